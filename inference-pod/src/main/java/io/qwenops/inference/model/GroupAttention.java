package io.qwenops.inference.model;

import io.qwenops.inference.model.matvec.DecodeMatVec;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * One row's attention for one KV head over its context slots: each of the head's {@code repeats}
 * query heads (GQA) against its keys, F32 softmax, weighted sum of values. Bit for bit what {@link
 * DecodeMatVec#dot}, {@link DecodeMatVec#softmax} and {@link DecodeMatVec#addScaled} give slot by
 * slot (that loop is kept as the test's oracle), only faster:
 *
 * <ul>
 *   <li>Scores, {@link #LANES} slots at a time. A per-slot dot product ends in a horizontal sum of
 *       its accumulator's lanes, lane 0 first, which costs more than its four FMAs. Here the
 *       block's keys are gathered once for the whole group and transposed (dimension-major), so
 *       vector lane s is slot s: accumulator lane i of every slot is one FMA chain over dimensions
 *       i, i + LANES, …, in the same order, and the lane sum becomes LANES vector adds in lane
 *       order. Each score is the same sequence of roundings as before.
 *   <li>Values, {@link #SLOT_BLOCK} slots at a time: each output's accumulators stay in registers
 *       over the block (two query heads, four vectors each: eight FMA chains) instead of a load and
 *       store of the output per slot per head; the block's values stay in L1 across the group's
 *       heads. Every output still sums its slots in context order.
 * </ul>
 *
 * Buffers are per thread and grow with the longest context seen.
 */
final class GroupAttention {

  private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
  static final int LANES = SPECIES.length();
  private static final int SLOT_BLOCK = 64;
  private static final ByteOrder ORDER = ByteOrder.nativeOrder();

  private final int repeats;
  private final int headDim;
  private final float scale;
  private final int bound; // SPECIES.loopBound(headDim): the dot product's vector part
  private final int[] rowStarts; // gather index: lane s reads row s of a block's key rows
  private final ThreadLocal<Buffers> buffers;

  private static final class Buffers {
    final float[] rows; // one block's key rows, [LANES][headDim]
    final float[] transposed; // the same, [headDim][LANES]
    float[][] scores = new float[0][0]; // [repeats][slots, rounded up to LANES]

    Buffers(int headDim) {
      rows = new float[LANES * headDim];
      transposed = new float[LANES * headDim];
    }
  }

  GroupAttention(int repeats, int headDim, float scale) {
    this.repeats = repeats;
    this.headDim = headDim;
    this.scale = scale;
    this.bound = SPECIES.loopBound(headDim);
    this.rowStarts = new int[LANES];
    for (int s = 0; s < LANES; s++) {
      rowStarts[s] = s * headDim;
    }
    this.buffers = ThreadLocal.withInitial(() -> new Buffers(headDim));
  }

  /**
   * Attention of the query heads at {@code q[qOffset ..)} ({@code repeats × headDim} floats) over
   * the first {@code length} slots of {@code context}; slot t's key is {@code headDim} floats at
   * float offset {@code (base + context[t]) × headDim} of {@code keys}, its value the same of
   * {@code values}. Adds each head's result into {@code out[outOffset + r × headDim ..)}.
   */
  void attend(
      MemorySegment keys,
      MemorySegment values,
      long base,
      float[] q,
      int qOffset,
      long[] context,
      int length,
      float[] out,
      int outOffset) {
    Buffers b = buffers.get();
    int padded = (length + LANES - 1) / LANES * LANES;
    if (b.scores.length < repeats || b.scores[0].length < padded) {
      int grown = Math.max(padded, b.scores.length == 0 ? 0 : 2 * b.scores[0].length);
      b.scores = new float[repeats][grown];
    }
    float[][] scores = b.scores;
    for (int t0 = 0; t0 < length; t0 += LANES) {
      scoreBlock(keys, base, q, qOffset, context, t0, Math.min(LANES, length - t0), b, scores);
    }
    for (int r = 0; r < repeats; r++) {
      DecodeMatVec.softmax(scores[r], length);
    }
    for (int t0 = 0; t0 < length; t0 += SLOT_BLOCK) {
      int t1 = Math.min(length, t0 + SLOT_BLOCK);
      int r = 0;
      for (; r + 1 < repeats; r += 2) {
        weighPair(
            values, base, context, t0, t1, scores[r], scores[r + 1], out, outOffset + r * headDim);
      }
      if (r < repeats) {
        weighOne(values, base, context, t0, t1, scores[r], out, outOffset + r * headDim);
      }
    }
  }

  /** Scores of slots {@code t0 .. t0 + count} for every query head of the group. */
  private void scoreBlock(
      MemorySegment keys,
      long base,
      float[] q,
      int qOffset,
      long[] context,
      int t0,
      int count,
      Buffers b,
      float[][] scores) {
    float[] rows = b.rows;
    float[] kt = b.transposed;
    for (int s = 0; s < count; s++) {
      long at = (base + context[t0 + s]) * headDim * Float.BYTES;
      MemorySegment.copy(keys, ValueLayout.JAVA_FLOAT, at, rows, s * headDim, headDim);
    }
    // Lanes past count read the previous block's rows (or zeros): their scores land past the
    // context in the padded score rows and are never used.
    for (int d = 0; d < headDim; d++) {
      FloatVector.fromArray(SPECIES, rows, d, rowStarts, 0).intoArray(kt, d * LANES);
    }
    for (int r = 0; r < repeats; r++) {
      int qr = qOffset + r * headDim;
      FloatVector sum = FloatVector.zero(SPECIES); // dot's "float sum = 0"
      for (int i = 0; i < LANES; i++) {
        FloatVector acc = FloatVector.zero(SPECIES);
        for (int d = i; d < bound; d += LANES) {
          acc =
              FloatVector.fromArray(SPECIES, kt, d * LANES)
                  .fma(FloatVector.broadcast(SPECIES, q[qr + d]), acc);
        }
        sum = sum.add(acc); // lane i of the per-slot accumulator, in lane order
      }
      for (int d = bound; d < headDim; d++) {
        sum = sum.add(FloatVector.fromArray(SPECIES, kt, d * LANES).mul(q[qr + d]));
      }
      sum.mul(scale).intoArray(scores[r], t0);
    }
  }

  /** {@code out += Σ p[t] · v[t]} over slots {@code t0 .. t1} for two query heads. */
  private void weighPair(
      MemorySegment values,
      long base,
      long[] context,
      int t0,
      int t1,
      float[] p0,
      float[] p1,
      float[] out,
      int o) {
    int d = 0;
    for (; d + 4 * LANES <= bound; d += 4 * LANES) {
      int o1 = o + headDim;
      FloatVector a0 = FloatVector.fromArray(SPECIES, out, o + d);
      FloatVector a1 = FloatVector.fromArray(SPECIES, out, o + d + LANES);
      FloatVector a2 = FloatVector.fromArray(SPECIES, out, o + d + 2 * LANES);
      FloatVector a3 = FloatVector.fromArray(SPECIES, out, o + d + 3 * LANES);
      FloatVector b0 = FloatVector.fromArray(SPECIES, out, o1 + d);
      FloatVector b1 = FloatVector.fromArray(SPECIES, out, o1 + d + LANES);
      FloatVector b2 = FloatVector.fromArray(SPECIES, out, o1 + d + 2 * LANES);
      FloatVector b3 = FloatVector.fromArray(SPECIES, out, o1 + d + 3 * LANES);
      for (int t = t0; t < t1; t++) {
        long at = ((base + context[t]) * headDim + d) * Float.BYTES;
        FloatVector w0 = FloatVector.broadcast(SPECIES, p0[t]);
        FloatVector w1 = FloatVector.broadcast(SPECIES, p1[t]);
        FloatVector v0 = FloatVector.fromMemorySegment(SPECIES, values, at, ORDER);
        FloatVector v1 = FloatVector.fromMemorySegment(SPECIES, values, at + 4L * LANES, ORDER);
        FloatVector v2 = FloatVector.fromMemorySegment(SPECIES, values, at + 8L * LANES, ORDER);
        FloatVector v3 = FloatVector.fromMemorySegment(SPECIES, values, at + 12L * LANES, ORDER);
        a0 = v0.fma(w0, a0);
        a1 = v1.fma(w0, a1);
        a2 = v2.fma(w0, a2);
        a3 = v3.fma(w0, a3);
        b0 = v0.fma(w1, b0);
        b1 = v1.fma(w1, b1);
        b2 = v2.fma(w1, b2);
        b3 = v3.fma(w1, b3);
      }
      a0.intoArray(out, o + d);
      a1.intoArray(out, o + d + LANES);
      a2.intoArray(out, o + d + 2 * LANES);
      a3.intoArray(out, o + d + 3 * LANES);
      b0.intoArray(out, o1 + d);
      b1.intoArray(out, o1 + d + LANES);
      b2.intoArray(out, o1 + d + 2 * LANES);
      b3.intoArray(out, o1 + d + 3 * LANES);
    }
    weighRest(values, base, context, t0, t1, p0, out, o, d);
    weighRest(values, base, context, t0, t1, p1, out, o + headDim, d);
  }

  /** As {@link #weighPair} for one query head. */
  private void weighOne(
      MemorySegment values,
      long base,
      long[] context,
      int t0,
      int t1,
      float[] p,
      float[] out,
      int o) {
    int d = 0;
    for (; d + 4 * LANES <= bound; d += 4 * LANES) {
      FloatVector a0 = FloatVector.fromArray(SPECIES, out, o + d);
      FloatVector a1 = FloatVector.fromArray(SPECIES, out, o + d + LANES);
      FloatVector a2 = FloatVector.fromArray(SPECIES, out, o + d + 2 * LANES);
      FloatVector a3 = FloatVector.fromArray(SPECIES, out, o + d + 3 * LANES);
      for (int t = t0; t < t1; t++) {
        long at = ((base + context[t]) * headDim + d) * Float.BYTES;
        FloatVector w = FloatVector.broadcast(SPECIES, p[t]);
        a0 = FloatVector.fromMemorySegment(SPECIES, values, at, ORDER).fma(w, a0);
        a1 = FloatVector.fromMemorySegment(SPECIES, values, at + 4L * LANES, ORDER).fma(w, a1);
        a2 = FloatVector.fromMemorySegment(SPECIES, values, at + 8L * LANES, ORDER).fma(w, a2);
        a3 = FloatVector.fromMemorySegment(SPECIES, values, at + 12L * LANES, ORDER).fma(w, a3);
      }
      a0.intoArray(out, o + d);
      a1.intoArray(out, o + d + LANES);
      a2.intoArray(out, o + d + 2 * LANES);
      a3.intoArray(out, o + d + 3 * LANES);
    }
    weighRest(values, base, context, t0, t1, p, out, o, d);
  }

  /** Dimensions from {@code d} on: one vector at a time, then addScaled's scalar tail. */
  private void weighRest(
      MemorySegment values,
      long base,
      long[] context,
      int t0,
      int t1,
      float[] p,
      float[] out,
      int o,
      int d) {
    for (; d < bound; d += LANES) {
      FloatVector a = FloatVector.fromArray(SPECIES, out, o + d);
      for (int t = t0; t < t1; t++) {
        long at = ((base + context[t]) * headDim + d) * Float.BYTES;
        a =
            FloatVector.fromMemorySegment(SPECIES, values, at, ORDER)
                .fma(FloatVector.broadcast(SPECIES, p[t]), a);
      }
      a.intoArray(out, o + d);
    }
    for (; d < headDim; d++) {
      float sum = out[o + d];
      for (int t = t0; t < t1; t++) {
        long at = ((base + context[t]) * headDim + d) * Float.BYTES;
        sum += p[t] * values.get(ValueLayout.JAVA_FLOAT_UNALIGNED, at);
      }
      out[o + d] = sum;
    }
  }
}
