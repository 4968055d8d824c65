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
 * kernels against PyTorch's F32 BLAS (W·X, as Qwen2Model calls it), all in one process. Default:
 * BF16 and Q8 weights on 0.5B's gate/up [9728, 896] and down [896, 4864] at M = 8/16/32/64/128/512.
 * {@code f32}: F32 weights on {@code WideKernel} (the tensor read in place, as the model reads it)
 * against BLAS on the same tensor, on every 0.5B projection (q/k/v [1152, 896], o [896, 896],
 * gate/up, down, lm_head [151936, 896]) at M = 8/16/24/32/48/64: where the Java path's F32 cut
 * ({@code DecodeMatVec.MAX_F32_STEP_ROWS}) belongs. Each (shape, M) runs rounds that alternate the
 * variants; a cell is the best of a round's spells of calls, printed as the best round and the
 * range over rounds, then for Java the best GFLOP per CPU-second of the whole process ("/core":
 * what one busy core delivers, spin-waits and JIT included, less skewed by a loaded box), and last
 * the median over rounds of Java ÷ PyTorch in the same round. Usage: {@code WideStepProbe [f32] [M
 * ...]}.
 */
public final class WideStepProbe {

  private static final long SPELL_NANOS = 150_000_000;

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
    String[] names =
        f32 ? new String[] {"Java F32", "PyTorch F32"} : new String[] {"BF16", "Q8", "PyTorch F32"};
    try (NDManager m = NDManager.newBaseManager("PyTorch");
        Arena arena = Arena.ofShared()) {
      DecodeMatVec kernel =
          DecodeMatVec.forSetup(ComputeSetup.tensors(Device.cpu(), DataType.FLOAT32)).orElseThrow();
      for (int[] shape : shapes) {
        int out = shape[0];
        int in = shape[1];
        NDArray w = m.randomUniform(-0.1f, 0.1f, new Shape(out, in));
        Matrix[] java;
        if (f32) {
          java = new Matrix[] {kernel.wrap(w).orElseThrow()};
        } else {
          float[] values = w.toFloatArray();
          Matrix bf16 = Matrix.allocate(Matrix.Encoding.BF16, out, in, arena);
          Matrix q8 = Matrix.allocate(Matrix.Encoding.Q8, out, in, arena);
          for (int r = 0; r < out; r++) {
            bf16.setRow(r, values, r * in);
            q8.setRow(r, values, r * in);
          }
          java = new Matrix[] {bf16, q8};
        }
        for (int rows : widths) {
          NDArray x = m.randomUniform(-1, 1, new Shape(in, rows));
          float[] columns =
              Arrays.copyOf(
                  x.transpose().toFloatArray(), Math.max(rows, DecodeMatVec.MAX_COLUMNS) * in);
          double flop = 2.0 * rows * out * in;
          Runnable[] variants = new Runnable[java.length + 1];
          for (int v = 0; v < java.length; v++) {
            Matrix jw = java[v];
            variants[v] = () -> kernel.multiply(jw, columns, rows, null);
          }
          variants[java.length] = () -> w.matMul(x).toFloatArray();
          double[][] wall = new double[variants.length][rounds];
          double[][] perCore = new double[variants.length][rounds];
          for (int round = 0; round < rounds; round++) {
            for (int v = 0; v < variants.length; v++) {
              double[] best = time(variants[v], round == 0 ? 3 : 2);
              wall[v][round] = flop / best[0] / 1e9;
              perCore[v][round] = flop / best[1] / 1e9;
            }
          }
          StringBuilder line =
              new StringBuilder(String.format(Locale.ROOT, "[%d, %d] M=%3d ", out, in, rows));
          for (int v = 0; v < variants.length; v++) {
            boolean torch = v == variants.length - 1;
            line.append(
                String.format(
                    Locale.ROOT,
                    torch ? " | %s %.0f (%.0f–%.0f)" : " | %s %.0f (%.0f–%.0f) %.0f/core",
                    names[v],
                    max(wall[v]),
                    Arrays.stream(wall[v]).min().orElseThrow(),
                    max(wall[v]),
                    max(perCore[v])));
          }
          for (int v = 0; v < java.length; v++) {
            double[] ratio = new double[rounds];
            for (int round = 0; round < rounds; round++) {
              ratio[round] = wall[v][round] / wall[java.length][round];
            }
            Arrays.sort(ratio);
            line.append(
                String.format(
                    Locale.ROOT,
                    " | %s/PyTorch %.2f (%.2f–%.2f)",
                    names[v],
                    ratio[rounds / 2],
                    ratio[0],
                    ratio[rounds - 1]));
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
