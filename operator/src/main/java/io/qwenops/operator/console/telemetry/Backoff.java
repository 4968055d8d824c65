package io.qwenops.operator.console.telemetry;

import java.time.Duration;

/** Reconnect delays: {@code first}, doubling after each failure, capped at {@code max}. */
record Backoff(Duration first, Duration max) {

  static final Backoff STANDARD = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30));

  /** The delay before attempt {@code failures + 1} (failures counted since the last success). */
  long delayMs(int failures) {
    long delay = first.toMillis() << Math.min(failures, 30);
    return Math.min(delay <= 0 ? max.toMillis() : delay, max.toMillis());
  }
}
