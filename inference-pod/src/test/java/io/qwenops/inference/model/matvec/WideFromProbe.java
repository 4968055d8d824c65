package io.qwenops.inference.model.matvec;

import java.lang.foreign.Arena;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * From how many columns products should take {@link WideKernel} ({@link DecodeMatVec#takesWide}):
 * the narrow kernels' passes of four columns over 128 KiB row blocks ({@link
 * MatVecKernels#fourColumns} for F32, {@link PackedKernels#rows} for BF16 and Q8, as {@link
 * DecodeMatVec} runs products below the cut) against {@link WideKernel} (same bits), on every 0.5B
 * projection, on one thread timed by its CPU clock ("1t") and on both cores by the wall clock,
 * alternating in one JVM for five rounds. Ratios: WideKernel ÷ passes, median (range) over rounds.
 * Lives beside the kernels, which are package-private.
 *
 * <p>Usage: {@code WideFromProbe [F32|BF16|Q8] [M ...]} (bench-engine.sh --wide-from-probe; default
 * F32 at M = 4/5/6/8).
 */
public final class WideFromProbe {

  private static final int ROUNDS = 5;
  private static final int BLOCK_BYTES = 128 << 10;

  public static void main(String[] args) {
    ai.djl.engine.Engine.getEngine("PyTorch"); // DecodeMatVec asks PyTorch for its thread count
    Matrix.Encoding encoding =
        args.length > 0 ? Matrix.Encoding.valueOf(args[0]) : Matrix.Encoding.F32;
    int[] widths =
        args.length > 1
            ? Arrays.stream(args).skip(1).mapToInt(Integer::parseInt).toArray()
            : new int[] {4, 5, 6, 8};
    int[][] shapes = {{1152, 896}, {896, 896}, {9728, 896}, {896, 4864}, {151936, 896}};
    RowSplitter one = new RowSplitter(0);
    RowSplitter all = RowSplitter.shared();
    try (Arena arena = Arena.ofShared()) {
      for (int[] shape : shapes) {
        int out = shape[0];
        int in = shape[1];
        Matrix w = KernelFixtures.randomMatrix(encoding, out, in, new SplittableRandom(out), arena);
        for (int cols : widths) {
          float[] x =
              KernelFixtures.gaussian(
                  Math.max(cols, DecodeMatVec.MAX_COLUMNS) * in, new SplittableRandom(2));
          float[] y = new float[cols * out];
          double flop = 2.0 * cols * out * in;
          Runnable[] variants = {
            () -> passes(one, w, x, cols, y),
            () -> wide(one, w, x, cols, y),
            () -> passes(all, w, x, cols, y),
            () -> wide(all, w, x, cols, y)
          };
          double[][] g = new double[variants.length][ROUNDS];
          for (int round = 0; round < ROUNDS; round++) {
            for (int v = 0; v < variants.length; v++) {
              g[v][round] = flop / ProbeTiming.time(variants[v], v < 2) / 1e9;
            }
          }
          System.out.printf(
              Locale.ROOT,
              "%s [%d, %d] M=%d | 1t passes %.0f, WideKernel %.0f GFLOP/s, %s"
                  + " | 2 cores passes %.0f, WideKernel %.0f, %s%n",
              encoding,
              out,
              in,
              cols,
              ProbeTiming.max(g[0]),
              ProbeTiming.max(g[1]),
              ProbeTiming.ratio(g[1], g[0]),
              ProbeTiming.max(g[2]),
              ProbeTiming.max(g[3]),
              ProbeTiming.ratio(g[3], g[2]));
        }
      }
    }
  }

  /**
   * The narrow path: BF16/Q8 as DecodeMatVec runs it; F32 as it ran 5–8 columns before WideKernel
   * (groups of four over cache-sized row blocks).
   */
  private static void passes(RowSplitter s, Matrix w, float[] x, int cols, float[] y) {
    if (w.encoding() != Matrix.Encoding.F32) {
      DecodeMatVec.packedPasses(s, w, PackedKernels.prepare(w, x, cols), cols, y, false);
      return;
    }
    int in = w.cols();
    int out = w.rows();
    int groups = (cols + 3) / 4;
    int block = groups == 1 ? out : Math.max(1, BLOCK_BYTES / (in * Float.BYTES));
    s.run(
        out,
        (from, to) -> {
          for (int start = from; start < to; start += block) {
            int end = Math.min(to, start + block);
            for (int g = 0; g < groups; g++) {
              int first = g * 4;
              MatVecKernels.fourColumns(
                  w.data(),
                  in,
                  x,
                  first * in,
                  Math.min(4, cols - first),
                  y,
                  first * out,
                  out,
                  false,
                  start,
                  end);
            }
          }
        });
  }

  private static void wide(RowSplitter s, Matrix w, float[] x, int cols, float[] y) {
    float[] xp = PackedKernels.prepare(w, x, cols);
    s.run(w.rows(), (from, to) -> WideKernel.rows(w, xp, cols, y, w.rows(), false, from, to));
  }
}
