package io.qwenops.operator.it;

import java.time.Duration;

/** Retries an assertion until it passes or the time is up; the last failure is the report. */
public final class Eventually {

  static final Duration DEFAULT = Duration.ofSeconds(30);

  private Eventually() {}

  public static void eventually(Runnable assertion) {
    eventually(DEFAULT, assertion);
  }

  public static void eventually(Duration timeout, Runnable assertion) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        assertion.run();
        return;
      } catch (AssertionError | RuntimeException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }
  }
}
