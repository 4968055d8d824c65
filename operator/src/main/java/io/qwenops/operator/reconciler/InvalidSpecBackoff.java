package io.qwenops.operator.reconciler;

import java.time.Duration;

/**
 * How long to wait before looking at an invalid spec again. Spec edits reconcile at once anyway;
 * this covers what the operator does not watch (a Secret created later), and backs off the longer
 * the problem lasts so a forgotten broken resource costs almost nothing.
 */
public final class InvalidSpecBackoff {

  private final Duration first;
  private final Duration max;

  public InvalidSpecBackoff(Duration first, Duration max) {
    this.first = first;
    this.max = max;
  }

  public static InvalidSpecBackoff standard() {
    return new InvalidSpecBackoff(Duration.ofSeconds(10), Duration.ofMinutes(5));
  }

  /**
   * Roughly doubles the wait each time: the next check comes after as long as it has been broken.
   */
  public Duration next(Duration brokenFor) {
    if (brokenFor.compareTo(first) < 0) {
      return first;
    }
    return brokenFor.compareTo(max) > 0 ? max : brokenFor;
  }
}
