package io.qwenops.operator.console.deployments;

import java.time.Duration;

/**
 * A version number that waiters can block on: each SSE stream waits here, not in a listener list.
 */
final class ChangeCounter {

  private long version;

  synchronized void bump() {
    version++;
    notifyAll();
  }

  synchronized long version() {
    return version;
  }

  synchronized long awaitChange(long seen, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (version == seen) {
      long leftMillis = (deadline - System.nanoTime()) / 1_000_000;
      if (leftMillis <= 0) {
        break;
      }
      wait(leftMillis);
    }
    return version;
  }
}
