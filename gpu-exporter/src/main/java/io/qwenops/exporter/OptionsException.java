package io.qwenops.exporter;

/** A setting that cannot be used, with a message that names it. */
public final class OptionsException extends RuntimeException {
  public OptionsException(String message) {
    super(message);
  }
}
