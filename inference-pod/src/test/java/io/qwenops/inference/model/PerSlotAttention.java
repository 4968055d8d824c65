package io.qwenops.inference.model;

import io.qwenops.inference.model.matvec.DecodeMatVec;
import java.lang.foreign.MemorySegment;

/**
 * The attention {@link GroupAttention} replaced, kept as its oracle: one slot at a time, each of
 * the group's query heads a {@link DecodeMatVec#dot} against the slot's key, then F32 softmax, then
 * one {@link DecodeMatVec#addScaled} of the slot's value per head.
 */
final class PerSlotAttention {

  private final int repeats;
  private final int headDim;
  private final float scale;
  private final ThreadLocal<float[][]> scoreRows = new ThreadLocal<>();

  PerSlotAttention(int repeats, int headDim, float scale) {
    this.repeats = repeats;
    this.headDim = headDim;
    this.scale = scale;
  }

  /** As {@link GroupAttention#attend}. */
  void attend(
      MemorySegment k,
      MemorySegment v,
      long base,
      float[] qkv,
      int q,
      long[] context,
      int length,
      float[] out,
      int o) {
    float[][] scores = scores(length);
    for (int t = 0; t < length; t++) {
      long at = (base + context[t]) * headDim;
      for (int r = 0; r < repeats; r++) {
        scores[r][t] = DecodeMatVec.dot(qkv, q + r * headDim, k, at, headDim) * scale;
      }
    }
    for (int r = 0; r < repeats; r++) {
      DecodeMatVec.softmax(scores[r], length);
    }
    for (int t = 0; t < length; t++) {
      long at = (base + context[t]) * headDim;
      for (int r = 0; r < repeats; r++) {
        DecodeMatVec.addScaled(scores[r][t], v, at, out, o + r * headDim, headDim);
      }
    }
  }

  private float[][] scores(int length) {
    float[][] rows = scoreRows.get();
    if (rows == null || rows[0].length < length) {
      rows = new float[repeats][Math.max(length, 2 * (rows == null ? 0 : rows[0].length))];
      scoreRows.set(rows);
    }
    return rows;
  }
}
