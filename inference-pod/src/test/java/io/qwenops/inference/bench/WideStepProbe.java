package io.qwenops.inference.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import io.qwenops.inference.model.ComputeSetup;
import io.qwenops.inference.model.matvec.DecodeMatVec;
import io.qwenops.inference.model.matvec.Matrix;
import io.qwenops.inference.model.matvec.OneThreadKernel;
import java.lang.foreign.Arena;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * GFLOP/s of a wide step's projection (M columns: batched decode, prefill chunks) on the Java
 * kernels against PyTorch's F32 BLAS (W·X, as Qwen2Model calls it), all in one process. Each
 * (shape, M) runs rounds that alternate the variants; a cell is the best of a round's spells of
 * calls, printed as the best round and the range over rounds, and a ratio is the median (range)
 * over rounds of two variants timed back to back.
 *
 * <p>Default: BF16 and Q8 weights on 0.5B's gate/up [9728, 896] and down [896, 4864] at M =
 * 8/16/32/64/128/512, wall-clock, plus Java's GFLOP per CPU-second of the whole process ("/core":
 * spin-waits and JIT included).
 *
 * <p>{@code f32}: F32 weights on {@code WideKernel} (the tensor read in place, as the model reads
 * it) against BLAS on the same tensor, on every 0.5B projection (q/k/v [1152, 896], o [896, 896],
 * gate/up, down, lm_head [151936, 896]) at M = 8/16/24/32/48/64: where the Java path's F32 cut
 * ({@code DecodeMatVec.MAX_F32_STEP_ROWS}) belongs. Both run on every core (wall-clock) and on one
 * thread timed by that thread's CPU clock ("1t"): the ratio other processes on a shared box skew
 * least, since a preempted OpenMP or helper thread stalls the wall-clock of both-core runs.
 *
 * <p>Usage: {@code WideStepProbe [f32] [M ...]} ({@code bench-engine.sh --wide-probe}).
 */
public final class WideStepProbe {

  private static final long SPELL_NANOS = 150_000_000;

  /** How a variant runs and is timed: on every core by the wall clock, or on this thread alone. */
  private record Variant(String name, Runnable op, boolean oneThread) {}

  public static void main(String[] args) {
    boolean f32 = args.length > 0 && args[0].equals("f32");
    int[] widths =
        args.length > (f32 ? 1 : 0)
            ? Arrays.stream(args).skip(f32 ? 1 : 0).mapToInt(Integer::parseInt).toArray()
            : f32 ? new int[] {8, 16, 24, 32, 48, 64} : new int[] {8, 16, 32, 64, 128, 512};
    int rounds = f32 ? 5 : 3;
    int[][] shapes =
        f32
            ? new int[][] {{1152, 896}, {896, 896}, {9728, 896}, {896, 4864}, {151936, 896}}
            : new int[][] {{9728, 896}, {896, 4864}};
    try (NDManager m = NDManager.newBaseManager("PyTorch");
        Arena arena = Arena.ofShared()) {
      int torchThreads = JniUtils.getNumThreads();
      DecodeMatVec kernel =
          DecodeMatVec.forSetup(ComputeSetup.tensors(Device.cpu(), DataType.FLOAT32)).orElseThrow();
      DecodeMatVec alone = OneThreadKernel.create();
      for (int[] shape : shapes) {
        int out = shape[0];
        int in = shape[1];
        NDArray w = m.randomUniform(-0.1f, 0.1f, new Shape(out, in));
        Matrix f32w = f32 ? kernel.wrap(w).orElseThrow() : null;
        Matrix bf16 = null;
        Matrix q8 = null;
        if (!f32) {
          float[] values = w.toFloatArray();
          bf16 = Matrix.allocate(Matrix.Encoding.BF16, out, in, arena);
          q8 = Matrix.allocate(Matrix.Encoding.Q8, out, in, arena);
          for (int r = 0; r < out; r++) {
            bf16.setRow(r, values, r * in);
            q8.setRow(r, values, r * in);
          }
        }
        for (int rows : widths) {
          NDArray x = m.randomUniform(-1, 1, new Shape(in, rows));
          float[] columns =
              Arrays.copyOf(
                  x.transpose().toFloatArray(), Math.max(rows, DecodeMatVec.MAX_COLUMNS) * in);
          Runnable torch = () -> w.matMul(x).toFloatArray();
          List<Variant> variants = new ArrayList<>();
          if (f32) {
            variants.add(
                new Variant("Java", () -> kernel.multiply(f32w, columns, rows, null), false));
            variants.add(new Variant("PyTorch", torch, false));
            variants.add(
                new Variant("Java 1t", () -> alone.multiply(f32w, columns, rows, null), true));
            variants.add(new Variant("PyTorch 1t", torch, true));
          } else {
            Matrix b = bf16;
            Matrix q = q8;
            variants.add(new Variant("BF16", () -> kernel.multiply(b, columns, rows, null), false));
            variants.add(new Variant("Q8", () -> kernel.multiply(q, columns, rows, null), false));
            variants.add(new Variant("PyTorch F32", torch, false));
          }
          double flop = 2.0 * rows * out * in;
          int n = variants.size();
          double[][] speed = new double[n][rounds];
          double[][] perCore = new double[n][rounds];
          for (int round = 0; round < rounds; round++) {
            for (int v = 0; v < n; v++) {
              Variant variant = variants.get(v);
              if (variant.oneThread()) {
                JniUtils.setNumThreads(1);
              }
              double[] best = time(variant.op(), round == 0 ? 3 : 2);
              if (variant.oneThread()) {
                JniUtils.setNumThreads(torchThreads);
              }
              speed[v][round] = flop / (variant.oneThread() ? best[2] : best[0]) / 1e9;
              perCore[v][round] = flop / best[1] / 1e9;
            }
          }
          StringBuilder line =
              new StringBuilder(String.format(Locale.ROOT, "[%d, %d] M=%3d ", out, in, rows));
          for (int v = 0; v < n; v++) {
            Variant variant = variants.get(v);
            line.append(
                String.format(
                    Locale.ROOT,
                    " | %s %.0f (%.0f–%.0f)",
                    variant.name(),
                    max(speed[v]),
                    Arrays.stream(speed[v]).min().orElseThrow(),
                    max(speed[v])));
            if (!f32 && !variant.name().startsWith("PyTorch")) {
              line.append(String.format(Locale.ROOT, " %.0f/core", max(perCore[v])));
            }
          }
          if (f32) {
            line.append(ratio("Java/PyTorch", speed[0], speed[1]));
            line.append(ratio("1t", speed[2], speed[3]));
          } else {
            line.append(ratio("BF16/PyTorch", speed[0], speed[2]));
            line.append(ratio("Q8/PyTorch", speed[1], speed[2]));
          }
          System.out.println(line);
          x.close();
        }
        w.close();
      }
    }
  }

  /** Median and range over rounds of a ÷ b, each round's pair timed back to back. */
  private static String ratio(String name, double[] a, double[] b) {
    double[] r = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      r[i] = a[i] / b[i];
    }
    Arrays.sort(r);
    return String.format(
        Locale.ROOT, " | %s %.2f (%.2f–%.2f)", name, r[r.length / 2], r[0], r[r.length - 1]);
  }

  private static double max(double[] values) {
    return Arrays.stream(values).max().orElseThrow();
  }

  /**
   * Seconds per call, best of {@code runs} spells of at least {@link #SPELL_NANOS} (the first also
   * JIT-compile): wall-clock; CPU time summed over the JVM's threads (the caller and the kernel's
   * helper; PyTorch's OpenMP threads are native, so theirs is not seen); and this thread's CPU
   * time, all of a one-thread run's work, which time slices lost to other processes do not inflate.
   */
  private static double[] time(Runnable op, int runs) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    double wall = Double.MAX_VALUE;
    double cpu = Double.MAX_VALUE;
    double mine = Double.MAX_VALUE;
    for (int i = 0; i < runs; i++) {
      long c = javaCpuNanos();
      long own = threads.getCurrentThreadCpuTime();
      long t = System.nanoTime();
      int calls = 0;
      long elapsed;
      do {
        op.run();
        calls++;
        elapsed = System.nanoTime() - t;
      } while (elapsed < SPELL_NANOS);
      wall = Math.min(wall, elapsed / 1e9 / calls);
      cpu = Math.min(cpu, (javaCpuNanos() - c) / 1e9 / calls);
      mine = Math.min(mine, (threads.getCurrentThreadCpuTime() - own) / 1e9 / calls);
    }
    return new double[] {wall, cpu, mine};
  }

  private static long javaCpuNanos() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long sum = 0;
    for (long id : threads.getAllThreadIds()) {
      sum += Math.max(0, threads.getThreadCpuTime(id));
    }
    return sum;
  }
}
