package io.qwenops.exporter.sampling;

import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A loop's failures: logged once per distinct failure (not once per attempt: a step that fails
 * every 250 ms would flood the log), counted, and reported as a {@link ReaderStatus}. Thread-safe:
 * the loop records, {@code /health} reads.
 */
final class FailureLog {

  private final Logger log;
  private final String what;
  private long failures;
  private long streak;
  private String lastError;
  private long lastErrorNanos;
  private String lastLogged;
  private boolean stopped;

  FailureLog(Logger log, String what) {
    this.log = log;
    this.what = what;
  }

  /** A step failed; returns how many have failed in a row. */
  synchronized long failed(Throwable t) {
    failures++;
    streak++;
    lastError = describe(t);
    lastErrorNanos = System.nanoTime();
    if (!lastError.equals(lastLogged)) {
      lastLogged = lastError;
      log.log(Level.WARNING, what + " failed (logged once until it changes): " + lastError, t);
    }
    return streak;
  }

  /** A step worked. */
  synchronized void succeeded() {
    if (streak > 0) {
      log.info(what + " works again after " + streak + " failed attempt(s)");
    }
    streak = 0;
    lastLogged = null;
  }

  /** The loop's thread ended for good. */
  synchronized void stopped(Throwable t) {
    failures++;
    stopped = true;
    lastError = describe(t);
    lastErrorNanos = System.nanoTime();
    log.log(Level.SEVERE, what + " stopped: " + lastError, t);
  }

  synchronized ReaderStatus status() {
    ReaderStatus.State state =
        stopped
            ? ReaderStatus.State.stopped
            : streak > 0 ? ReaderStatus.State.retrying : ReaderStatus.State.running;
    Long age =
        lastError == null
            ? null
            : TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastErrorNanos);
    return new ReaderStatus(state, failures, lastError, age);
  }

  private static String describe(Throwable t) {
    String message = t.getMessage();
    return message == null ? t.getClass().getName() : t.getClass().getSimpleName() + ": " + message;
  }
}
