package io.qwenops.inference.hub;

import java.io.IOException;

/**
 * A download failed for a reason worth telling the user in words: access, a missing repo or
 * revision, a checksum, the disk, offline mode. {@code retryable} failures (5xx) are tried again
 * before they surface.
 */
public class HubException extends IOException {

  private final boolean retryable;

  public HubException(String message) {
    this(message, false, null);
  }

  HubException(String message, boolean retryable, Throwable cause) {
    super(message, cause);
    this.retryable = retryable;
  }

  boolean retryable() {
    return retryable;
  }
}
