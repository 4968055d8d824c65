package io.qwenops.inference.model.matvec;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import io.qwenops.inference.model.ComputeSetup;
import java.lang.foreign.Arena;
import java.util.SplittableRandom;

/** What the kernel tests share: the production kernel, random weights, and a float64 yardstick. */
final class KernelFixtures {

  private KernelFixtures() {}

  /** The kernel a CPU F32 model gets, wide kernel included. */
  static DecodeMatVec kernel() {
    ai.djl.engine.Engine.getEngine("PyTorch"); // loads the JNI the kernel asks for its threads
    return DecodeMatVec.forSetup(ComputeSetup.tensors(Device.cpu(), DataType.FLOAT32))
        .orElseThrow();
  }

  /** A [rows, in] matrix of N(0, 0.05²) weights, stored in {@code encoding}. */
  static Matrix randomMatrix(
      Matrix.Encoding encoding, int rows, int in, SplittableRandom random, Arena arena) {
    Matrix w = Matrix.allocate(encoding, rows, in, arena);
    for (int r = 0; r < rows; r++) {
      float[] row = gaussian(in, random);
      for (int k = 0; k < in; k++) {
        row[k] *= 0.05f;
      }
      w.setRow(r, row, 0);
    }
    return w;
  }

  static float[] gaussian(int n, SplittableRandom random) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return v;
  }

  /**
   * The worst |y − w·x| over every row and column, each relative to its Σ|w·x|, against a float64
   * product over the weights as stored: what F32 accumulation may lose to rounding alone.
   */
  static double worstRelativeError(Matrix w, float[] x, int cols, float[] y) {
    int rows = w.rows();
    int in = w.cols();
    float[] stored = new float[in];
    double worst = 0;
    for (int r = 0; r < rows; r++) {
      w.copyRow(r, stored, 0);
      for (int c = 0; c < cols; c++) {
        double exact = 0;
        double magnitude = 0;
        for (int k = 0; k < in; k++) {
          exact += (double) stored[k] * x[c * in + k];
          magnitude += Math.abs((double) stored[k] * x[c * in + k]);
        }
        worst = Math.max(worst, Math.abs(y[c * rows + r] - exact) / magnitude);
      }
    }
    return worst;
  }
}
