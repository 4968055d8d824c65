package io.qwenops.inference.model.matvec;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * GB/s of narrow decode products (1, 2, 4, 8 columns) on 0.5B's lm_head [151936, 896] and gate/up
 * [9728, 896], F32, BF16 and Q8, the kernels before the register lane sums ({@link
 * LegacyNarrowKernels}) against today's {@link DecodeMatVec}, alternating in one JVM for several
 * rounds. It lives beside the kernels because the old ones are package-private. Usage: {@code
 * NarrowProbe [cache] [rounds]} (bench-engine.sh --narrow-probe).
 */
public final class NarrowProbe {

  private static final int[] WIDTHS = {1, 2, 4, 8};

  private record Case(String name, Matrix w) {}

  public static void main(String[] args) {
    boolean cache = args.length > 0 && args[0].equals("cache");
    int rounds = Integer.parseInt(args.length > (cache ? 1 : 0) ? args[cache ? 1 : 0] : "3");
    ai.djl.engine.Engine.getEngine("PyTorch"); // DecodeMatVec asks PyTorch for its thread count
    // "cache": one thread over 96 rows that stay in L2, the kernels' own speed without the memory
    // system (and much less sensitive to other processes' memory traffic on a shared box).
    RowSplitter splitter = cache ? new RowSplitter(0) : RowSplitter.shared();
    int repeats = cache ? 400 : 1;
    cpuTime = cache;
    DecodeMatVec current = new DecodeMatVec(splitter);
    try (Arena arena = Arena.ofShared()) {
      List<Case> cases = new ArrayList<>();
      int[][] shapes = cache ? new int[][] {{96, 896}} : new int[][] {{151936, 896}, {9728, 896}};
      for (int[] shape : shapes) {
        String label = cache ? "L2 96 rows" : shape[0] == 151936 ? "lm_head" : "gate/up";
        for (Matrix.Encoding e : Matrix.Encoding.values()) {
          cases.add(new Case(label + " " + e, filled(e, shape[0], shape[1], arena)));
        }
      }
      float[] x = new float[8 * 896];
      SplittableRandom random = new SplittableRandom(7);
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) random.nextGaussian();
      }
      int configs = cases.size() * WIDTHS.length;
      double[][] oldGbs = new double[configs][rounds];
      double[][] newGbs = new double[configs][rounds];
      for (int round = 0; round < rounds; round++) {
        int c = 0;
        for (Case k : cases) {
          for (int cols : WIDTHS) {
            double bytes = (double) k.w().bytes() * repeats;
            oldGbs[c][round] =
                bytes
                    / best(repeats, () -> LegacyNarrowKernels.multiply(splitter, k.w(), x, cols))
                    / 1e9;
            newGbs[c][round] =
                bytes / best(repeats, () -> current.multiply(k.w(), x, cols, null)) / 1e9;
            c++;
          }
        }
      }
      System.out.printf(
          Locale.ROOT,
          "%-16s %4s  %-13s %-13s %s%n",
          "matrix",
          "cols",
          "old GB/s",
          "new GB/s",
          "new/old");
      int c = 0;
      for (Case k : cases) {
        for (int cols : WIDTHS) {
          System.out.printf(
              Locale.ROOT,
              "%-16s %4d  %-13s %-13s %.2f%n",
              k.name(),
              cols,
              range(oldGbs[c]),
              range(newGbs[c]),
              median(newGbs[c]) / median(oldGbs[c]));
          c++;
        }
      }
    }
  }

  private static Matrix filled(Matrix.Encoding e, int rows, int cols, Arena arena) {
    SplittableRandom random = new SplittableRandom(rows + e.ordinal());
    float[] row = new float[cols];
    Matrix w =
        e == Matrix.Encoding.F32
            ? Matrix.f32(arena.allocate((long) rows * cols * Float.BYTES, 64), rows, cols)
            : Matrix.allocate(e, rows, cols, arena);
    for (int r = 0; r < rows; r++) {
      for (int k = 0; k < cols; k++) {
        row[k] = (float) random.nextGaussian() * 0.05f;
      }
      if (e == Matrix.Encoding.F32) {
        MemorySegment.copy(row, 0, w.data(), ValueLayout.JAVA_FLOAT, (long) r * cols * 4, cols);
      } else {
        w.setRow(r, row, 0);
      }
    }
    return w;
  }

  /**
   * Best of 7 runs of {@code repeats} calls, in seconds (the first runs also JIT-compile): wall
   * time, or in cache mode this thread's CPU time (it does all the work there), which time slices
   * lost to other processes on a shared box do not inflate.
   */
  private static double best(int repeats, Runnable op) {
    double best = Double.MAX_VALUE;
    for (int i = 0; i < 7; i++) {
      long t = now();
      for (int j = 0; j < repeats; j++) {
        op.run();
      }
      best = Math.min(best, (now() - t) / 1e9);
    }
    return best;
  }

  private static boolean cpuTime;

  private static long now() {
    return cpuTime ? THREADS.getCurrentThreadCpuTime() : System.nanoTime();
  }

  private static final java.lang.management.ThreadMXBean THREADS =
      java.lang.management.ManagementFactory.getThreadMXBean();

  private static String range(double[] v) {
    double lo = Double.MAX_VALUE;
    double hi = 0;
    for (double d : v) {
      lo = Math.min(lo, d);
      hi = Math.max(hi, d);
    }
    return String.format(Locale.ROOT, "%.1f–%.1f", lo, hi);
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    java.util.Arrays.sort(s);
    return s[s.length / 2];
  }
}
