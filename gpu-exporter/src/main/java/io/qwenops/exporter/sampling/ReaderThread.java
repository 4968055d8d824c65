package io.qwenops.exporter.sampling;

import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * A helper thread that runs one step of work over and over and survives any failure of a step: the
 * failure is logged once (see {@link FailureLog}), the thread backs off (doubling from {@code
 * backoffNanos} up to {@link #MAX_BACKOFF_NANOS}) and tries again. A step paces itself (it waits on
 * NVML or sleeps out its period). Only a {@link VirtualMachineError} (out of memory, stack
 * overflow) ends it: the JVM may not be able to go on, and {@code /health} then shows the reader
 * {@code stopped}.
 */
final class ReaderThread implements AutoCloseable {

  /** The longest pause between two failed attempts. */
  static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(5);

  /** One unit of work, pacing included; returns normally when it worked. */
  interface Step {
    void run() throws Exception;
  }

  private final Step step;
  private final long backoffNanos;
  private final FailureLog failures;
  private final Thread thread;
  private volatile boolean running = true;

  /** {@code backoffNanos}: the pause after a first failure (at least 100 ms). */
  ReaderThread(String name, Logger log, Step step, long backoffNanos) {
    this.step = step;
    this.backoffNanos = Math.max(backoffNanos, TimeUnit.MILLISECONDS.toNanos(100));
    this.failures = new FailureLog(log, name);
    this.thread = Thread.ofPlatform().daemon().name(name).unstarted(this::loop);
  }

  void start() {
    thread.start();
  }

  ReaderStatus status() {
    return failures.status();
  }

  private void loop() {
    while (running) {
      try {
        step.run();
        failures.succeeded();
      } catch (InterruptedException e) {
        return;
      } catch (VirtualMachineError e) {
        failures.stopped(e);
        throw e;
      } catch (Throwable e) {
        if (!sleep(backoff(failures.failed(e)))) {
          return;
        }
      }
    }
  }

  private long backoff(long streak) {
    int doublings = (int) Math.min(streak - 1, 20);
    return Math.min(backoffNanos << doublings, MAX_BACKOFF_NANOS);
  }

  private boolean sleep(long nanos) {
    try {
      TimeUnit.NANOSECONDS.sleep(nanos);
      return true;
    } catch (InterruptedException e) {
      return false;
    }
  }

  /** Stops the loop; waits up to {@code millis} for the current step to end. */
  boolean close(long millis, boolean interrupt) {
    running = false;
    if (interrupt) {
      thread.interrupt();
    }
    try {
      thread.join(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return !thread.isAlive();
  }

  @Override
  public void close() {
    close(1000, true);
  }
}
