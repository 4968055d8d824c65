package io.qwenops.inference.hub;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes a download's body when no byte has arrived for {@code timeout}. A blocked {@code read} on
 * the JDK client's body stream then returns, and the caller sees {@link #stalled()} and retries
 * from the bytes it has, as a reset connection is retried. Without it a server or CDN that stops
 * sending mid-file leaves the pod "downloading" forever.
 */
final class StallWatch implements Closeable {

  private static final ScheduledExecutorService TIMER =
      Executors.newSingleThreadScheduledExecutor(
          r -> Thread.ofPlatform().daemon().name("hub-stall-watch").unstarted(r));

  private final InputStream body;
  private final long timeoutNanos;
  private final ScheduledFuture<?> check;
  private volatile long lastByteNanos = System.nanoTime();
  private volatile boolean stalled;

  StallWatch(InputStream body, Duration timeout) {
    this.body = body;
    this.timeoutNanos = timeout.toNanos();
    long period = Math.max(TimeUnit.MILLISECONDS.toNanos(20), timeoutNanos / 4);
    this.check = TIMER.scheduleAtFixedRate(this::check, period, period, TimeUnit.NANOSECONDS);
  }

  /** Bytes arrived: the clock starts again. */
  void progressed() {
    lastByteNanos = System.nanoTime();
  }

  boolean stalled() {
    return stalled;
  }

  private void check() {
    if (!stalled && System.nanoTime() - lastByteNanos > timeoutNanos) {
      stalled = true;
      try {
        body.close();
      } catch (IOException e) {
        // closing to wake the reader; nothing else to do
      }
    }
  }

  @Override
  public void close() {
    check.cancel(false);
  }
}
