package io.qwenops.inference.model.matvec;

import java.lang.foreign.Arena;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * BF16 and Q8 products on {@link NativeKernels} (AVX512-BF16) against the Vector API kernels
 * DecodeMatVec runs without them, on the 0.5B projections at decode and prefill widths, both cores,
 * alternating in one JVM for five rounds. Prints GFLOP/s and GB/s of weights read, and native ÷
 * Java as median (range) over the rounds.
 *
 * <p>Usage: {@code NativeProbe [BF16|Q8 ...] [-- M ...]} (bench-engine.sh --native-probe; default
 * both encodings at M = 1/4/16/64/256).
 */
public final class NativeProbe {

  private static final int ROUNDS = 5;

  public static void main(String[] args) {
    ai.djl.engine.Engine.getEngine("PyTorch"); // DecodeMatVec asks PyTorch for its thread count
    NativeKernels.Availability a = NativeKernels.availability();
    if (a.kernels() == null) {
      System.out.println("No native kernels here: " + a.whyNot());
      return;
    }
    int split = Arrays.asList(args).indexOf("--");
    String[] names = split < 0 ? args : Arrays.copyOf(args, split);
    Matrix.Encoding[] encodings =
        names.length == 0
            ? new Matrix.Encoding[] {Matrix.Encoding.BF16, Matrix.Encoding.Q8}
            : Arrays.stream(names).map(Matrix.Encoding::valueOf).toArray(Matrix.Encoding[]::new);
    int[] widths =
        split < 0
            ? new int[] {1, 4, 16, 64, 256}
            : Arrays.stream(args).skip(split + 1).mapToInt(Integer::parseInt).toArray();
    int[][] shapes = {{1152, 896}, {896, 896}, {9728, 896}, {896, 4864}, {151936, 896}};
    DecodeMatVec java = new DecodeMatVec(RowSplitter.shared());
    DecodeMatVec fast = new DecodeMatVec(RowSplitter.shared(), a.kernels());
    try (Arena arena = Arena.ofShared()) {
      for (Matrix.Encoding encoding : encodings) {
        for (int[] shape : shapes) {
          int out = shape[0];
          int in = shape[1];
          Matrix w =
              KernelFixtures.randomMatrix(encoding, out, in, new SplittableRandom(out), arena);
          for (int cols : widths) {
            if ((long) cols * out > 20_000_000) {
              continue; // lm_head at prefill widths: the model asks only for the last rows
            }
            float[] x =
                KernelFixtures.gaussian(
                    Math.max(cols, DecodeMatVec.MAX_COLUMNS) * in, new SplittableRandom(2));
            double flop = 2.0 * cols * out * in;
            Runnable[] variants = {
              () -> java.multiply(w, x, cols, null), () -> fast.multiply(w, x, cols, null)
            };
            double[][] seconds = new double[variants.length][ROUNDS];
            for (int round = 0; round < ROUNDS; round++) {
              for (int v = 0; v < variants.length; v++) {
                seconds[v][round] = ProbeTiming.time(variants[v], false);
              }
            }
            double[] javaRate = rates(seconds[0], 1);
            double[] nativeRate = rates(seconds[1], 1);
            System.out.printf(
                Locale.ROOT,
                "%s [%d, %d] M=%d | Java %.1f GFLOP/s %.1f GB/s | native %.1f GFLOP/s %.1f GB/s"
                    + " | native ÷ Java %s%n",
                encoding,
                out,
                in,
                cols,
                flop / best(seconds[0]) / 1e9,
                w.bytes() / best(seconds[0]) / 1e9,
                flop / best(seconds[1]) / 1e9,
                w.bytes() / best(seconds[1]) / 1e9,
                ProbeTiming.ratio(nativeRate, javaRate));
          }
        }
      }
    }
  }

  private static double[] rates(double[] seconds, double work) {
    return Arrays.stream(seconds).map(s -> work / s).toArray();
  }

  private static double best(double[] seconds) {
    return Arrays.stream(seconds).min().orElseThrow();
  }
}
