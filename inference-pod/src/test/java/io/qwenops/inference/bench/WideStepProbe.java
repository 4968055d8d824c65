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
import java.util.Locale;

/**
 * What a wide step's projection should run on with 16-bit weights: PyTorch's F32 and F16 matmuls
 * (W·X, the layout Qwen2Model uses) against the Java kernel over BF16 and Q8, GFLOP/s of 0.5B's
 * gate/up [9728, 896] at M = 1, 4, 16, 64 columns, all in one process. Usage: {@code WideStepProbe
 * [out] [in]}.
 */
public final class WideStepProbe {

  public static void main(String[] args) {
    int out = Integer.parseInt(args.length > 0 ? args[0] : "9728");
    int in = Integer.parseInt(args.length > 1 ? args[1] : "896");
    try (NDManager m = NDManager.newBaseManager("PyTorch");
        Arena arena = Arena.ofShared()) {
      DecodeMatVec kernel =
          DecodeMatVec.forSetup(ComputeSetup.tensors(Device.cpu(), DataType.FLOAT32)).orElseThrow();
      NDArray w = m.randomUniform(-0.1f, 0.1f, new Shape(out, in));
      NDArray w16 = w.toType(DataType.FLOAT16, true);
      float[] values = w.toFloatArray();
      Matrix bf16 = Matrix.allocate(Matrix.Encoding.BF16, out, in, arena);
      Matrix q8 = Matrix.allocate(Matrix.Encoding.Q8, out, in, arena);
      for (int r = 0; r < out; r++) {
        bf16.setRow(r, values, r * in);
        q8.setRow(r, values, r * in);
      }
      for (int rows : new int[] {1, 4, 16, 64}) {
        NDArray x = m.randomUniform(-1, 1, new Shape(in, rows));
        NDArray x16 = x.toType(DataType.FLOAT16, true);
        float[] columns = x.transpose().toFloatArray();
        double flop = 2.0 * rows * out * in;
        double f32 = time(() -> w.matMul(x).toFloatArray());
        double f16 = time(() -> w16.matMul(x16).toType(DataType.FLOAT32, false).toFloatArray());
        double jb = time(() -> kernel.multiply(bf16, columns, rows, null));
        double jq = time(() -> kernel.multiply(q8, columns, rows, null));
        System.out.printf(
            Locale.ROOT,
            "M=%2d  GFLOP/s: PyTorch F32 %.1f, PyTorch F16 %.1f, Java BF16 %.1f, Java Q8 %.1f%n",
            rows,
            flop / f32 / 1e9,
            flop / f16 / 1e9,
            flop / jb / 1e9,
            flop / jq / 1e9);
      }
    }
  }

  /** Best of 15 runs, in seconds (the first runs also JIT-compile). */
  private static double time(Runnable op) {
    double best = Double.MAX_VALUE;
    for (int i = 0; i < 15; i++) {
      long t = System.nanoTime();
      op.run();
      best = Math.min(best, (System.nanoTime() - t) / 1e9);
    }
    return best;
  }
}
