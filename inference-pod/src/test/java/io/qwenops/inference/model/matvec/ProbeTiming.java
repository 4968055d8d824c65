package io.qwenops.inference.model.matvec;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;

/** The timing loop and summaries the kernel probes share. */
final class ProbeTiming {

  private static final long SPELL_NANOS = 150_000_000;

  private ProbeTiming() {}

  /** Seconds per call, best of two 150 ms spells: this thread's CPU time, or the wall clock. */
  static double time(Runnable op, boolean cpu) {
    ThreadMXBean tm = ManagementFactory.getThreadMXBean();
    double best = Double.MAX_VALUE;
    for (int i = 0; i < 2; i++) {
      long c = tm.getCurrentThreadCpuTime();
      long t = System.nanoTime();
      int calls = 0;
      long elapsed;
      do {
        op.run();
        calls++;
        elapsed = System.nanoTime() - t;
      } while (elapsed < SPELL_NANOS);
      long spent = cpu ? tm.getCurrentThreadCpuTime() - c : elapsed;
      best = Math.min(best, spent / 1e9 / calls);
    }
    return best;
  }

  /** Median (range) of a[i] ÷ b[i] over rounds. */
  static String ratio(double[] a, double[] b) {
    double[] r = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      r[i] = a[i] / b[i];
    }
    Arrays.sort(r);
    return String.format(Locale.ROOT, "%.2f (%.2f–%.2f)", r[r.length / 2], r[0], r[r.length - 1]);
  }

  static double max(double[] v) {
    return Arrays.stream(v).max().orElseThrow();
  }
}
