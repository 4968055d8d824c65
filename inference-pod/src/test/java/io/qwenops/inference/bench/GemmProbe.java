package io.qwenops.inference.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;

/** GFLOP/s of the layouts a projection can use, at decode-sized M. */
public final class GemmProbe {
  public static void main(String[] args) {
    int out = Integer.parseInt(args.length > 0 ? args[0] : "9728"), in = 896;
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      NDArray w = m.randomUniform(-1, 1, new Shape(out, in));
      NDArray wt = w.transpose().duplicate(); // [in, out] contiguous
      for (int rows : new int[] {1, 4, 16, 64, 1, 16}) {
        NDArray x = m.randomUniform(-1, 1, new Shape(rows, in));
        double lin = time(() -> Linear.linear(x, w, null).singletonOrThrow());
        double mmT = time(() -> x.matMul(wt));
        double mmView = time(() -> w.matMul(x.transpose()).transpose());
        NDArray xt = m.create(x.transpose().toFloatArray(), new Shape(in, rows));
        System.out.println(
            "xt strides ok: "
                + java.util.Arrays.toString(xt.transpose().toFloatArray())
                    .equals(java.util.Arrays.toString(x.toFloatArray())));
        double wx = time(() -> w.matMul(xt));
        double flop = 2.0 * rows * out * in;
        System.out.printf(
            "M=%3d  linear %.2f ms (%.1f GF/s)  x@Wt %.2f ms (%.1f)  (W@x.T).T %.2f ms (%.1f)  W@xT %.2f (%.1f)%n",
            rows,
            lin,
            flop / lin / 1e6,
            mmT,
            flop / mmT / 1e6,
            mmView,
            flop / mmView / 1e6,
            wx,
            flop / wx / 1e6);
      }
    }
  }

  private static double time(java.util.function.Supplier<NDArray> op) {
    double best = Double.MAX_VALUE;
    for (int i = 0; i < 15; i++) {
      long t0 = System.nanoTime();
      NDArray r = op.get();
      r.toFloatArray();
      best = Math.min(best, (System.nanoTime() - t0) / 1e6);
      r.close();
    }
    return best;
  }
}
