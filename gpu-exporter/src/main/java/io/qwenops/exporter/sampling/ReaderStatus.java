package io.qwenops.exporter.sampling;

/**
 * Whether a reader (a thread that feeds the samples) is doing its job, as {@code /health} shows it.
 *
 * @param state what it is doing now
 * @param failures failed steps since it started
 * @param lastError the latest failure's message (or why it is off); null when none
 * @param lastErrorAgeMs how long ago that failure was; null when none
 */
public record ReaderStatus(State state, long failures, String lastError, Long lastErrorAgeMs) {

  /**
   * {@code running}: its last step worked; {@code retrying}: its last step failed, it backs off and
   * tries again; {@code stopped}: its thread ended (a JVM error), its figures no longer move;
   * {@code off}: never started (no NVML, or the driver cannot deliver what it reads).
   */
  public enum State {
    running,
    retrying,
    stopped,
    off
  }

  public static ReaderStatus off(String why) {
    return new ReaderStatus(State.off, 0, why, null);
  }

  /** True when the reader should be working and is not. */
  public boolean degraded() {
    return state == State.retrying || state == State.stopped;
  }
}
