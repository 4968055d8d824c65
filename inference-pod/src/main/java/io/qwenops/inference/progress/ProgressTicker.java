package io.qwenops.inference.progress;

import java.io.PrintStream;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Shows how far a long job is while it runs: on a terminal a bar redrawn in place a few times a
 * second, otherwise (a log, a pod) one plain line every {@code plainEvery}, so logs stay readable.
 */
public final class ProgressTicker implements AutoCloseable {

  /**
   * What to show now: the done fraction (0–1, or negative when unknown) and the text beside it. A
   * supplier returns null while there is nothing to show yet.
   */
  public record Reading(double fraction, String text) {}

  private static final int BAR_WIDTH = 30;

  private final PrintStream out;
  private final boolean terminal;
  private final Supplier<Reading> reading;
  private final Thread thread;
  private volatile boolean running = true;
  private volatile boolean printed;

  private ProgressTicker(
      PrintStream out, boolean terminal, Duration plainEvery, Supplier<Reading> reading) {
    this.out = out;
    this.terminal = terminal;
    this.reading = reading;
    long sleepMillis = terminal ? 250 : plainEvery.toMillis();
    this.thread =
        Thread.ofPlatform()
            .name("progress")
            .daemon(true)
            .start(
                () -> {
                  while (running) {
                    try {
                      Thread.sleep(sleepMillis);
                    } catch (InterruptedException e) {
                      return;
                    }
                    if (running) {
                      print(false);
                    }
                  }
                });
  }

  /** Starts ticking on stderr; a bar when stderr is a terminal. */
  public static ProgressTicker start(Duration plainEvery, Supplier<Reading> reading) {
    return start(System.err, isTerminal(), plainEvery, reading);
  }

  public static ProgressTicker start(
      PrintStream out, boolean terminal, Duration plainEvery, Supplier<Reading> reading) {
    return new ProgressTicker(out, terminal, plainEvery, reading);
  }

  public static boolean isTerminal() {
    java.io.Console console = System.console();
    return console != null && console.isTerminal();
  }

  /** The bar as it is drawn on a terminal, e.g. {@code [=========> ] 42%}. */
  public static String bar(double fraction) {
    if (fraction < 0) {
      return "[" + " ".repeat(BAR_WIDTH) + "]    ?";
    }
    double f = Math.min(1, fraction);
    int full = (int) Math.round(f * BAR_WIDTH);
    String filled = "=".repeat(full) + (full < BAR_WIDTH ? ">" : "");
    return String.format(
        java.util.Locale.ROOT,
        "[%-" + BAR_WIDTH + "s] %3d%%",
        filled.substring(0, Math.min(filled.length(), BAR_WIDTH)),
        (int) Math.floor(f * 100));
  }

  /** Stops ticking and prints the final state once. */
  public void finish() {
    stop();
    print(true);
  }

  /** Stops ticking; a bar drawn on a terminal is ended with a newline. */
  @Override
  public void close() {
    if (stop() && terminal && printed) {
      out.println();
    }
  }

  /** Returns whether this call stopped it. */
  private synchronized boolean stop() {
    if (!running) {
      return false;
    }
    running = false;
    thread.interrupt();
    return true;
  }

  private synchronized void print(boolean last) {
    Reading r = reading.get();
    if (r == null) {
      return;
    }
    printed = true;
    if (terminal) {
      // \r and the erase-line escape redraw the bar in place.
      out.print("\r\033[2K" + bar(r.fraction()) + " " + r.text() + (last ? "\n" : ""));
    } else {
      out.println(r.text());
    }
    out.flush();
  }
}
