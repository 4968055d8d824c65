package io.qwenops.inference.model;

/**
 * Rotary position embedding of the half-split kind (transformers' {@code rotate_half}): dimension i
 * pairs with i + headDim/2, and both use frequency {@code theta^(-2i/headDim)}. Cos/sin rows are
 * computed in double precision once per position and cached as floats.
 */
public final class RotaryEmbedding {

  private final int headDim;
  private final float[] cos;
  private final float[] sin;

  public RotaryEmbedding(int headDim, double theta, int maxPositions) {
    this.headDim = headDim;
    this.cos = new float[maxPositions * headDim];
    this.sin = new float[maxPositions * headDim];
    int half = headDim / 2;
    for (int pos = 0; pos < maxPositions; pos++) {
      for (int i = 0; i < half; i++) {
        double invFreq = 1.0 / Math.pow(theta, (2.0 * i) / headDim);
        double angle = pos * invFreq;
        float c = (float) Math.cos(angle);
        float s = (float) Math.sin(angle);
        cos[pos * headDim + i] = c;
        cos[pos * headDim + i + half] = c;
        sin[pos * headDim + i] = s;
        sin[pos * headDim + i + half] = s;
      }
    }
  }

  public int maxPositions() {
    return cos.length / headDim;
  }

  /** Cos of the given positions, feature-major: [headDim, positions.length]. */
  public float[] cos(int[] positions) {
    return columns(cos, positions);
  }

  public float[] sin(int[] positions) {
    return columns(sin, positions);
  }

  private float[] columns(float[] table, int[] positions) {
    int n = positions.length;
    float[] out = new float[headDim * n];
    for (int t = 0; t < n; t++) {
      for (int d = 0; d < headDim; d++) {
        out[d * n + t] = table[positions[t] * headDim + d];
      }
    }
    return out;
  }

  /**
   * Rotates one head vector {@code v[offset .. offset + headDim)} in place to {@code position}: x ·
   * cos + rotate_half(x) · sin, with the same float operations as the PyTorch path.
   */
  public void rotate(float[] v, int offset, int position) {
    int half = headDim / 2;
    int base = position * headDim;
    for (int i = 0; i < half; i++) {
      float a = v[offset + i];
      float b = v[offset + i + half];
      v[offset + i] = a * cos[base + i] - b * sin[base + i];
      v[offset + i + half] = b * cos[base + i + half] + a * sin[base + i + half];
    }
  }

  /**
   * The [headDim, headDim] matrix R with x·R = rotate_half(x) = cat(-x2, x1): one matmul instead of
   * slicing, negating and concatenating (each entry is ±1 or 0, so the result is exact).
   */
  public float[] rotateHalfMatrix() {
    int half = headDim / 2;
    float[] r = new float[headDim * headDim];
    for (int i = 0; i < half; i++) {
      // output column i takes -x[i + half]; output column i + half takes x[i]
      r[(i + half) * headDim + i] = -1f;
      r[i * headDim + (i + half)] = 1f;
    }
    return r;
  }
}
