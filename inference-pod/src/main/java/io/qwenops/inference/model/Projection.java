package io.qwenops.inference.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.qwenops.inference.model.matvec.DecodeMatVec;
import java.util.Optional;

/**
 * One projection weight [out, in] applied as {@code W · X} to feature-major activations [in, rows].
 * Decode batches of up to {@link DecodeMatVec#MAX_COLUMNS} rows go to the Vector API kernel when
 * the model has one (CPU, F32); everything else, and every weight the kernel cannot read in place,
 * goes to PyTorch's matmul.
 */
final class Projection {

  private final NDArray weight;
  private final DecodeMatVec kernel;
  private final DecodeMatVec.Matrix matrix;

  private Projection(NDArray weight, DecodeMatVec kernel, DecodeMatVec.Matrix matrix) {
    this.weight = weight;
    this.kernel = kernel;
    this.matrix = matrix;
  }

  static Projection of(NDArray weight, Optional<DecodeMatVec> kernel) {
    Optional<DecodeMatVec.Matrix> matrix = kernel.flatMap(k -> k.wrap(weight));
    return new Projection(weight, kernel.orElse(null), matrix.orElse(null));
  }

  /** Whether narrow batches run on the decode kernel. */
  boolean usesDecodeKernel() {
    return matrix != null;
  }

  /** {@code W · x}, owned by {@code step}. */
  NDArray apply(NDArray x, NDManager step) {
    if (matrix != null && x.getShape().get(1) <= DecodeMatVec.MAX_COLUMNS) {
      return kernel.multiply(matrix, x, step);
    }
    // DJL gives a result to its left operand's manager: here the long-lived weights' one.
    NDArray y = weight.matMul(x);
    y.attach(step);
    return y;
  }
}
