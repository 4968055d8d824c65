package io.qwenops.inference.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.qwenops.inference.model.ComputeSetup;
import io.qwenops.inference.model.matvec.DecodeMatVec;
import io.qwenops.inference.model.matvec.Matrix;
import java.lang.foreign.Arena;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;

/**
 * GFLOP/s of a wide step's projection (M columns: batched decode, prefill chunks) on the Java
 * kernel over BF16 and Q8 weights, the old wide path (two rows × four columns) against {@code
 * WideKernel}, with PyTorch's F32 BLAS (W·X, as Qwen2Model calls it) for reference, on 0.5B's
 * gate/up [9728, 896] and down [896, 4864], all in one process. Each (shape, M) runs {@value
 * #ROUNDS} rounds that alternate the five variants; a cell is the best of a round's spells of
 * calls, printed as the best round and the range over rounds, then the best GFLOP per CPU-second of
 * the whole process ("/core": what one busy core delivers, spin-waits and JIT included, less skewed
 * by a loaded box than wall-clock time). "new" is the kernel's dispatch now ({@code WideKernel} for
 * Q8 from 5 columns and BF16 from 16), "old" the wide path before it. Usage: {@code WideStepProbe
 * [M ...]}.
 */
public final class WideStepProbe {

  private static final int ROUNDS = 3;
  private static final long SPELL_NANOS = 150_000_000;
  private static final int[][] SHAPES = {{9728, 896}, {896, 4864}};
  private static final String[] NAMES = {"BF16 old", "BF16 new", "Q8 old", "Q8 new", "PyTorch F32"};

  public static void main(String[] args) {
    int[] widths =
        args.length > 0
            ? Arrays.stream(args).mapToInt(Integer::parseInt).toArray()
            : new int[] {8, 16, 32, 64, 128, 512};
    try (NDManager m = NDManager.newBaseManager("PyTorch");
        Arena arena = Arena.ofShared()) {
      DecodeMatVec wide =
          DecodeMatVec.forSetup(ComputeSetup.tensors(Device.cpu(), DataType.FLOAT32)).orElseThrow();
      DecodeMatVec old = wide.withoutWideKernel();
      for (int[] shape : SHAPES) {
        int out = shape[0];
        int in = shape[1];
        NDArray w = m.randomUniform(-0.1f, 0.1f, new Shape(out, in));
        float[] values = w.toFloatArray();
        Matrix bf16 = Matrix.allocate(Matrix.Encoding.BF16, out, in, arena);
        Matrix q8 = Matrix.allocate(Matrix.Encoding.Q8, out, in, arena);
        for (int r = 0; r < out; r++) {
          bf16.setRow(r, values, r * in);
          q8.setRow(r, values, r * in);
        }
        for (int rows : widths) {
          NDArray x = m.randomUniform(-1, 1, new Shape(in, rows));
          float[] columns = x.transpose().toFloatArray();
          double flop = 2.0 * rows * out * in;
          Runnable[] variants = {
            () -> old.multiply(bf16, columns, rows, null),
            () -> wide.multiply(bf16, columns, rows, null),
            () -> old.multiply(q8, columns, rows, null),
            () -> wide.multiply(q8, columns, rows, null),
            () -> w.matMul(x).toFloatArray()
          };
          double[][] wall = new double[variants.length][ROUNDS];
          double[][] perCore = new double[variants.length][ROUNDS];
          for (int round = 0; round < ROUNDS; round++) {
            for (int v = 0; v < variants.length; v++) {
              double[] best = time(variants[v], round == 0 ? 3 : 2);
              wall[v][round] = flop / best[0] / 1e9;
              perCore[v][round] = flop / best[1] / 1e9;
            }
          }
          StringBuilder line =
              new StringBuilder(String.format(Locale.ROOT, "[%d, %d] M=%3d ", out, in, rows));
          for (int v = 0; v < variants.length; v++) {
            line.append(
                String.format(
                    Locale.ROOT,
                    v == variants.length - 1
                        ? " | %s %.0f (%.0f–%.0f)"
                        : " | %s %.0f (%.0f–%.0f) %.0f/core",
                    NAMES[v],
                    max(wall[v]),
                    Arrays.stream(wall[v]).min().orElseThrow(),
                    max(wall[v]),
                    max(perCore[v])));
          }
          System.out.println(line);
          x.close();
        }
        w.close();
      }
    }
  }

  private static double max(double[] values) {
    return Arrays.stream(values).max().orElseThrow();
  }

  /**
   * Seconds per call, best of {@code runs} spells of at least {@link #SPELL_NANOS} (the first also
   * JIT-compile): wall-clock, and CPU time summed over the JVM's threads (the caller and the
   * kernel's helper; PyTorch's OpenMP threads are native, so its CPU time reads as zero), which the
   * other builds on a shared box do not inflate.
   */
  private static double[] time(Runnable op, int runs) {
    double wall = Double.MAX_VALUE;
    double cpu = Double.MAX_VALUE;
    for (int i = 0; i < runs; i++) {
      long c = javaCpuNanos();
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
    }
    return new double[] {wall, cpu};
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
