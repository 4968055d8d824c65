package io.qwenops.inference.engine;

/** The waiting queue is at its limit: the API answers 429 with Retry-After. Nothing was queued. */
public class QueueFullException extends RuntimeException {
  public QueueFullException(int waiting) {
    super("The server is busy: " + waiting + " requests are already waiting. Retry shortly.");
  }
}
