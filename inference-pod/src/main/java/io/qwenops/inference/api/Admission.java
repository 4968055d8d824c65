package io.qwenops.inference.api;

import io.qwenops.inference.engine.EngineStats;
import io.qwenops.inference.engine.InferenceEngine;

/**
 * Counts a request's choices against the engine's waiting queue before any prompt is tokenized or
 * rendered, so a request the queue cannot take costs almost nothing: 400 when it could never fit
 * (more choices than the queue holds, so retrying cannot help), 429 with Retry-After when the queue
 * is too full right now. The engine still checks each submission; this only answers early.
 */
public final class Admission {

  private Admission() {}

  public static void check(InferenceEngine engine, int choices) {
    int capacity = engine.maxWaiting();
    if (choices > capacity) {
      throw ApiException.invalid(
          "This request needs "
              + choices
              + " sequences queued at once, but the server's waiting queue holds at most "
              + capacity
              + " (--max-waiting); split it into smaller requests",
          "n");
    }
    EngineStats stats = engine.stats();
    int waiting = stats == null ? 0 : stats.waiting();
    if ((long) waiting + choices > capacity) {
      throw ApiException.busy(
          "The server is busy: "
              + waiting
              + " requests are already waiting and this one needs "
              + choices
              + " more places (the queue holds "
              + capacity
              + "). Retry shortly.",
          1);
    }
  }
}
