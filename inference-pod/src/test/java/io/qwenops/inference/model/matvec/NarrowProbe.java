package io.qwenops.inference.model.matvec;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * GB/s of narrow decode products (1, 2, 4, 8 columns) on 0.5B's lm_head [151936, 896] and gate/up
 * [9728, 896], F32, BF16 and Q8, the kernels before the register lane sums ({@link
 * LegacyNarrowKernels}) against today's {@link DecodeMatVec}, alternating in one JVM for several
 * rounds. It lives beside the kernels because the old ones are package-private. Usage: {@code
 * NarrowProbe [cache|stream] [rounds] [encodings]} (bench-engine.sh --narrow-probe), encodings a
 * comma list such as {@code Q8,BF16} (default all three).
 *
 * <ul>
 *   <li>no mode: every core, both matrices from memory (the engine's decode step);
 *   <li>{@code cache}: one thread over 96 rows that stay in L2, thread CPU time: the kernels' own
 *       speed without the memory system (and much less sensitive to other processes' memory traffic
 *       on a shared box);
 *   <li>{@code stream}: one thread over lm_head from memory, wall time, next to a plain vector sum
 *       of the same bytes ("read"): how close one core's kernel comes to streaming its weights.
 * </ul>
 *
 * GB/s counts the weight bytes a product reads (Q8 with its scales).
 */
public final class NarrowProbe {

  private static final int[] WIDTHS = {1, 2, 4, 8};

  private record Case(String name, Matrix w) {}

  public static void main(String[] args) {
    int a = 0;
    String mode =
        args.length > a && List.of("cache", "stream", "widen").contains(args[a]) ? args[a++] : "";
    if (mode.equals("widen")) {
      widen(Integer.parseInt(args.length > a ? args[a] : "5"));
      return;
    }
    boolean cache = mode.equals("cache");
    boolean stream = mode.equals("stream");
    int rounds = Integer.parseInt(args.length > a ? args[a++] : "3");
    List<Matrix.Encoding> encodings = new ArrayList<>();
    for (String e : (args.length > a ? args[a] : "F32,BF16,Q8").split(",")) {
      encodings.add(Matrix.Encoding.valueOf(e.trim().toUpperCase(Locale.ROOT)));
    }
    ai.djl.engine.Engine.getEngine("PyTorch"); // DecodeMatVec asks PyTorch for its thread count
    RowSplitter splitter = cache || stream ? new RowSplitter(0) : RowSplitter.shared();
    int repeats = cache ? 400 : 1;
    cpuTime = cache;
    DecodeMatVec current = new DecodeMatVec(splitter);
    try (Arena arena = Arena.ofShared()) {
      List<Case> cases = new ArrayList<>();
      int[][] shapes =
          cache
              ? new int[][] {{96, 896}}
              : stream ? new int[][] {{151936, 896}} : new int[][] {{151936, 896}, {9728, 896}};
      for (int[] shape : shapes) {
        String label = cache ? "L2 96 rows" : shape[0] == 151936 ? "lm_head" : "gate/up";
        for (Matrix.Encoding e : encodings) {
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
      double[][] readGbs = new double[cases.size()][rounds];
      double[][] oneRowGbs = new double[cases.size()][rounds];
      double[][] oneRowFourGbs = new double[cases.size()][rounds];
      for (int round = 0; round < rounds; round++) {
        int c = 0;
        for (int k = 0; k < cases.size(); k++) {
          Matrix w = cases.get(k).w();
          double bytes = (double) w.bytes() * repeats;
          if (stream) {
            readGbs[k][round] = bytes / best(repeats, () -> sinkHole += read(w)) / 1e9;
          }
          if (w.encoding() == Matrix.Encoding.BF16) {
            oneRowGbs[k][round] =
                bytes / best(repeats, () -> bf16OneRowBefore(splitter, w, x)) / 1e9;
            oneRowFourGbs[k][round] =
                bytes / best(repeats, () -> bf16OneRowFourColumnsBefore(splitter, w, x)) / 1e9;
          }
          for (int cols : WIDTHS) {
            oldGbs[c][round] =
                bytes
                    / best(repeats, () -> LegacyNarrowKernels.multiply(splitter, w, x, cols))
                    / 1e9;
            newGbs[c][round] =
                bytes / best(repeats, () -> current.multiply(w, x, cols, null)) / 1e9;
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
      for (int k = 0; k < cases.size(); k++) {
        if (stream) {
          System.out.printf(
              Locale.ROOT, "%-16s %4s  %-13s%n", cases.get(k).name(), "read", range(readGbs[k]));
        }
        for (int cols : WIDTHS) {
          System.out.printf(
              Locale.ROOT,
              "%-16s %4d  %-13s %-13s %.2f%n",
              cases.get(k).name(),
              cols,
              range(oldGbs[c]),
              range(newGbs[c]),
              median(newGbs[c]) / median(oldGbs[c]));
          if (cols == 1 && cases.get(k).w().encoding() == Matrix.Encoding.BF16) {
            System.out.printf(
                Locale.ROOT,
                "%-16s %4s  %-13s %-13s %.2f   (old: the one-row kernel before the two-row one)%n",
                cases.get(k).name(),
                "1",
                range(oneRowGbs[k]),
                range(newGbs[c]),
                median(newGbs[c]) / median(oneRowGbs[k]));
          }
          if (cols == 4 && cases.get(k).w().encoding() == Matrix.Encoding.BF16) {
            System.out.printf(
                Locale.ROOT,
                "%-16s %4s  %-13s %-13s %.2f   (old: the one-row 2–4 column kernel before the two-row"
                    + " one)%n",
                cases.get(k).name(),
                "4",
                range(oneRowFourGbs[k]),
                range(newGbs[c]),
                median(newGbs[c]) / median(oneRowFourGbs[k]));
          }
          c++;
        }
      }
    }
  }

  /**
   * {@code widen [rounds]}: one thread, CPU time, Q8 gate/up [9728, 896] widened to F32 in four-row
   * tiles as {@link WideKernel} does, {@link PackedKernels#q8Widen} against its version before the
   * row slices ({@link #q8WidenBefore}, checked to give the same floats); then {@link WideKernel}
   * itself at 8, 16 and 64 columns, and what it would take with the old widening (its time plus the
   * widening time saved: with up to 108 columns of 896 entries each tile is widened once per call).
   */
  private static void widen(int rounds) {
    int rows = 9728;
    int in = 896;
    try (Arena arena = Arena.ofShared()) {
      Matrix w = filled(Matrix.Encoding.Q8, rows, in, arena);
      float[] before = new float[4 * in];
      float[] after = new float[4 * in];
      for (int r = 0; r < rows; r += 4) {
        q8WidenBefore(w, r, r + 4, before);
        PackedKernels.q8Widen(w, r, r + 4, after);
        if (!java.util.Arrays.equals(before, after)) {
          throw new AssertionError("q8Widen changed the floats of rows " + r + "..");
        }
      }
      cpuTime = true;
      double[] old = new double[rounds];
      double[] now = new double[rounds];
      for (int round = 0; round < rounds; round++) {
        old[round] =
            best(
                20,
                () -> {
                  for (int r = 0; r < rows; r += 4) {
                    q8WidenBefore(w, r, r + 4, before);
                  }
                });
        now[round] =
            best(
                20,
                () -> {
                  for (int r = 0; r < rows; r += 4) {
                    PackedKernels.q8Widen(w, r, r + 4, after);
                  }
                });
      }
      double gb = w.bytes() * 20 / 1e9;
      System.out.printf(
          Locale.ROOT,
          "q8Widen gate/up Q8: old %s GB/s, new %s GB/s, new/old %.2f%n",
          range(invert(old, gb)),
          range(invert(now, gb)),
          median(old) / median(now));
      double saved = (median(old) - median(now)) / 20;
      SplittableRandom random = new SplittableRandom(7);
      for (int cols : new int[] {8, 16, 64}) {
        float[] x = new float[cols * in];
        for (int i = 0; i < x.length; i++) {
          x[i] = (float) random.nextGaussian();
        }
        float[] xp = PackedKernels.prepare(w, x, cols);
        float[] y = new float[cols * rows];
        double[] wide = new double[rounds];
        for (int round = 0; round < rounds; round++) {
          wide[round] = best(1, () -> WideKernel.rows(w, xp, cols, y, rows, false, 0, rows));
        }
        double t = median(wide);
        System.out.printf(
            Locale.ROOT,
            "WideKernel %2d columns: %.2f ms, with the old widening ~%.2f ms: new/old %.2f%n",
            cols,
            t * 1e3,
            (t + saved) * 1e3,
            (t + saved) / t);
      }
    }
  }

  private static double[] invert(double[] seconds, double gb) {
    double[] v = new double[seconds.length];
    for (int i = 0; i < v.length; i++) {
      v[i] = gb / seconds[i];
    }
    return v;
  }

  /** {@link PackedKernels#q8Widen} before the row slices: long offsets, a scale per group. */
  private static void q8WidenBefore(Matrix w, int from, int to, float[] scratch) {
    MemorySegment m = w.data();
    MemorySegment s = w.scales();
    int in = w.cols();
    for (int r = from; r < to; r++) {
      long b = (long) r * in;
      int o = (r - from) * in;
      for (int g = 0; g < in; g += Matrix.Q8_GROUP) {
        float scale = s.get(ValueLayout.JAVA_FLOAT_UNALIGNED, (b + g) / Matrix.Q8_GROUP * 4);
        for (int k = g; k < g + Matrix.Q8_GROUP; k += L) {
          ByteVector v = ByteVector.fromMemorySegment(B, m, b + k, ORDER);
          ((FloatVector) v.convertShape(VectorOperators.B2F, F, 0))
              .mul(scale)
              .intoArray(scratch, o + k);
        }
      }
    }
  }

  /**
   * The BF16 one-column kernel before it took two rows at a time: one row, one stream, one chain
   * (the same chain, so the same bits).
   */
  private static float[] bf16OneRowBefore(RowSplitter splitter, Matrix w, float[] x0) {
    float[] x = PackedKernels.prepare(w, x0, 1);
    float[] y = new float[w.rows()];
    MemorySegment m = w.data();
    int in = w.cols();
    int bound = in / (2 * L) * (2 * L);
    splitter.run(
        w.rows(),
        (from, to) -> {
          float[] lanes = new float[L];
          for (int r = from; r < to; r++) {
            long b = (long) r * in * 2;
            FloatVector a = FloatVector.zero(F);
            for (int k = 0; k < bound; k += 2 * L) {
              IntVector v = IntVector.fromMemorySegment(I, m, b + k * 2L, ORDER);
              FloatVector xe = FloatVector.fromArray(F, x, k);
              FloatVector xd = FloatVector.fromArray(F, x, k + L);
              FloatVector e = v.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
              a = v.and(0xFFFF0000).reinterpretAsFloats().fma(xd, e.fma(xe, a));
            }
            a.intoArray(lanes, 0);
            float sum = MatVecKernels.sumLanes(lanes, 0);
            for (int k = bound; k < in; k++) {
              sum += Matrix.bf16ToFloat(m.get(PackedKernels.SHORT, b + k * 2L)) * x[k];
            }
            y[r] = sum;
          }
        });
    return y;
  }

  /**
   * The BF16 2–4 column kernel before it took two rows at a time, at four columns: one row, four
   * chains of two dependent FMAs per block (the same chains, so the same bits).
   */
  private static float[] bf16OneRowFourColumnsBefore(RowSplitter splitter, Matrix w, float[] x0) {
    int in = w.cols();
    int out = w.rows();
    float[] x = PackedKernels.prepare(w, x0, 4);
    float[] y = new float[4 * out];
    MemorySegment m = w.data();
    int bound = in / (2 * L) * (2 * L);
    splitter.run(
        out,
        (from, to) -> {
          float[] lanes = new float[4 * L];
          for (int r = from; r < to; r++) {
            long b = (long) r * in * 2;
            FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
            for (int k = 0; k < bound; k += 2 * L) {
              IntVector v = IntVector.fromMemorySegment(I, m, b + k * 2L, ORDER);
              FloatVector e = v.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
              FloatVector o = v.and(0xFFFF0000).reinterpretAsFloats();
              a0 =
                  o.fma(
                      FloatVector.fromArray(F, x, k + L),
                      e.fma(FloatVector.fromArray(F, x, k), a0));
              a1 =
                  o.fma(
                      FloatVector.fromArray(F, x, k + in + L),
                      e.fma(FloatVector.fromArray(F, x, k + in), a1));
              a2 =
                  o.fma(
                      FloatVector.fromArray(F, x, k + 2 * in + L),
                      e.fma(FloatVector.fromArray(F, x, k + 2 * in), a2));
              a3 =
                  o.fma(
                      FloatVector.fromArray(F, x, k + 3 * in + L),
                      e.fma(FloatVector.fromArray(F, x, k + 3 * in), a3));
            }
            a0.intoArray(lanes, 0);
            a1.intoArray(lanes, L);
            a2.intoArray(lanes, 2 * L);
            a3.intoArray(lanes, 3 * L);
            for (int c = 0; c < 4; c++) {
              float sum = MatVecKernels.sumLanes(lanes, c * L);
              for (int k = bound; k < in; k++) {
                sum += Matrix.bf16ToFloat(m.get(PackedKernels.SHORT, b + k * 2L)) * x[c * in + k];
              }
              y[c * out + r] = sum;
            }
          }
        });
    return y;
  }

  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
  private static final int L = F.length();
  private static final VectorSpecies<Byte> B =
      VectorSpecies.of(byte.class, jdk.incubator.vector.VectorShape.forBitSize(L * Byte.SIZE));

  /** A plain vector sum of every byte the matrix holds: what one core can read. */
  private static long read(Matrix w) {
    long sink = sum(w.data());
    return w.scales() == null ? sink : sink + sum(w.scales());
  }

  private static final VectorSpecies<Long> LONGS = LongVector.SPECIES_PREFERRED;

  private static long sum(MemorySegment m) {
    long step = LONGS.vectorByteSize();
    long bound = m.byteSize() / (4 * step) * (4 * step);
    LongVector s0 = LongVector.zero(LONGS);
    LongVector s1 = s0, s2 = s0, s3 = s0;
    for (long at = 0; at < bound; at += 4 * step) {
      s0 = s0.add(LongVector.fromMemorySegment(LONGS, m, at, ORDER));
      s1 = s1.add(LongVector.fromMemorySegment(LONGS, m, at + step, ORDER));
      s2 = s2.add(LongVector.fromMemorySegment(LONGS, m, at + 2 * step, ORDER));
      s3 = s3.add(LongVector.fromMemorySegment(LONGS, m, at + 3 * step, ORDER));
    }
    return s0.add(s1).add(s2).add(s3).reduceLanes(VectorOperators.ADD);
  }

  private static final java.nio.ByteOrder ORDER = java.nio.ByteOrder.LITTLE_ENDIAN;

  /** Keeps {@link #read}'s sums alive. */
  static long sinkHole;

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
