package io.qwenops.inference.api.generate;

/** A write to the client failed: it closed the connection. The caller aborts the generation. */
public final class ClientGoneException extends RuntimeException {

  ClientGoneException(Throwable cause) {
    super("client disconnected", cause);
  }
}
