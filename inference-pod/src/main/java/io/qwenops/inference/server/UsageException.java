package io.qwenops.inference.server;

/** A bad command line or setting: printed with a hint to --help, exit status 2. */
public class UsageException extends RuntimeException {
  public UsageException(String message) {
    super(message);
  }
}
