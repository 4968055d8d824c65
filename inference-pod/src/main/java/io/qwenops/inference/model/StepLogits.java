package io.qwenops.inference.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;

/**
 * A step's F32 logits [rows, vocab], where the forward pass left them: a PyTorch tensor (the
 * PyTorch path) or a Java array (the Java path, {@link CpuDecodeForward}). Sampling reads the array
 * in place; copying 151,936 floats a row into a tensor and back cost the Java path a few ms a step.
 * A tensor is made from the array only when asked for (prompt scoring).
 */
public final class StepLogits {

  private final NDArray tensor; // null: the logits are in values
  private final float[] values; // [rows * vocab], row-major; null: the logits are in tensor
  private final int rows;
  private final int vocab;

  private StepLogits(NDArray tensor, float[] values, int rows, int vocab) {
    this.tensor = tensor;
    this.values = values;
    this.rows = rows;
    this.vocab = vocab;
  }

  /** Logits in a [rows, vocab] F32 tensor. */
  public static StepLogits of(NDArray tensor) {
    Shape s = tensor.getShape();
    return new StepLogits(tensor, null, (int) s.get(0), (int) s.get(1));
  }

  /** Logits in a Java array of {@code rows * vocab} floats, row after row. */
  public static StepLogits of(float[] values, int rows, int vocab) {
    if (values.length < (long) rows * vocab) {
      throw new IllegalArgumentException(
          values.length + " floats cannot hold " + rows + " rows of " + vocab + " logits");
    }
    return new StepLogits(null, values, rows, vocab);
  }

  public int rows() {
    return rows;
  }

  public int vocab() {
    return vocab;
  }

  /** The logits as a tensor: the tensor itself, or a copy of the array owned by {@code step}. */
  public NDArray tensor(NDManager step) {
    if (tensor != null) {
      return tensor;
    }
    Shape shape = new Shape(rows, vocab);
    return rows == 0 ? step.zeros(shape) : step.create(values, shape);
  }

  /** Only the given rows, in that order. */
  public StepLogits select(int[] picked, NDManager step) {
    if (tensor != null) {
      return of(tensor.get(new NDIndex("{}", step.create(picked))));
    }
    float[] out = new float[picked.length * vocab];
    for (int i = 0; i < picked.length; i++) {
      System.arraycopy(values, picked[i] * vocab, out, i * vocab, vocab);
    }
    return new StepLogits(null, out, picked.length, vocab);
  }

  /** Each row's index of its largest logit (the first of equals; a NaN counts as largest). */
  public int[] argmax() {
    if (tensor != null) {
      return Arrays.stream(tensor.argMax(1).toLongArray()).mapToInt(id -> (int) id).toArray();
    }
    int[] out = new int[rows];
    for (int r = 0; r < rows; r++) {
      out[r] = argmax(values, r * vocab, vocab);
    }
    return out;
  }

  /** Every row in one Java array, row after row (a copy only when the logits are a tensor). */
  public float[] values() {
    return values != null ? values : tensor.toFloatArray();
  }

  /**
   * PyTorch's argmax of {@code a[from, from + n)} as an offset from {@code from}: the first
   * maximum, or the first NaN. One pass that stops at a NaN: 1.4 ms for 16 rows of 151,936 floats
   * here, against 1.8 ms for a maximum pass and then a search for it (alternating in one JVM).
   */
  static int argmax(float[] a, int from, int n) {
    float max = a[from];
    if (Float.isNaN(max)) {
      return 0;
    }
    int best = 0;
    for (int i = 1; i < n; i++) {
      float v = a[from + i];
      if (v > max) {
        max = v;
        best = i;
      } else if (v != v) {
        return i;
      }
    }
    return best;
  }
}
