package io.qwenops.inference.model;

import io.qwenops.inference.model.matvec.DecodeMatVec;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
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
 *       block's keys are read once for the whole group and transposed (dimension-major: in
 *       registers with 16 lanes, through gathers otherwise), so vector lane s is slot s:
 *       accumulator lane i of every slot is one FMA chain over dimensions i, i + LANES, …, in the
 *       same order, and the lane sum becomes LANES vector adds in lane order. Each score is the
 *       same sequence of roundings as before.
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

  // The 16 × 16 transpose's four stages (AVX-512): stage b swaps the off-diagonal b × b blocks of
  // rows i and i + b. Lanes with bit b set (MASK) come from the other row, moved by b lanes (a
  // one-vector permute and a blend; javac's release 22 API has no two-vector selectFrom).
  private static final boolean SIXTEEN = LANES == 16;
  private static final VectorShuffle<Float> DOWN8 = shift(8), DOWN4 = shift(4);
  private static final VectorShuffle<Float> DOWN2 = shift(2), DOWN1 = shift(1);
  private static final VectorShuffle<Float> UP8 = shift(-8), UP4 = shift(-4);
  private static final VectorShuffle<Float> UP2 = shift(-2), UP1 = shift(-1);
  private static final VectorMask<Float> MASK8 = bit(8), MASK4 = bit(4);
  private static final VectorMask<Float> MASK2 = bit(2), MASK1 = bit(1);

  /** Lane L takes lane L − b (mod LANES). */
  private static VectorShuffle<Float> shift(int b) {
    int[] index = new int[LANES];
    for (int lane = 0; lane < LANES; lane++) {
      index[lane] = Math.floorMod(lane - b, LANES);
    }
    return VectorShuffle.fromArray(SPECIES, index, 0);
  }

  private static VectorMask<Float> bit(int b) {
    boolean[] set = new boolean[LANES];
    for (int lane = 0; lane < LANES; lane++) {
      set[lane] = (lane & b) != 0;
    }
    return VectorMask.fromArray(SPECIES, set, 0);
  }

  private final int repeats;
  private final int headDim;
  private final float scale;
  private final int bound; // SPECIES.loopBound(headDim): the dot product's vector part
  private final int[] rowStarts; // gather index: lane s reads row s of a block's key rows
  private final ThreadLocal<Buffers> buffers;

  private static final class Buffers {
    final float[] rows; // one block's key rows, [LANES][headDim]
    final float[] transposed; // the same, [headDim][LANES]
    final long[] starts = new long[LANES]; // their byte offsets in the pool
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
    if (SIXTEEN) {
      // Lanes past count repeat the block's first slot: their scores land past the context in the
      // padded score rows and are never used.
      long[] at = b.starts;
      for (int s = 0; s < LANES; s++) {
        at[s] = (base + context[t0 + (s < count ? s : 0)]) * headDim * Float.BYTES;
      }
      for (int d = 0; d < bound; d += LANES) {
        transpose16(keys, at, d, kt);
      }
      for (int d = bound; d < headDim; d++) {
        for (int s = 0; s < LANES; s++) {
          kt[d * LANES + s] =
              keys.get(ValueLayout.JAVA_FLOAT_UNALIGNED, at[s] + (long) d * Float.BYTES);
        }
      }
    } else {
      for (int s = 0; s < count; s++) {
        long at = (base + context[t0 + s]) * headDim * Float.BYTES;
        MemorySegment.copy(keys, ValueLayout.JAVA_FLOAT, at, rows, s * headDim, headDim);
      }
      // Lanes past count read the previous block's rows (or zeros), unused as above.
      for (int d = 0; d < headDim; d++) {
        FloatVector.fromArray(SPECIES, rows, d, rowStarts, 0).intoArray(kt, d * LANES);
      }
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

  /**
   * Keys of 16 slots (the row offsets, in bytes), dimensions {@code d0 .. d0 + 16}, transposed in
   * registers into {@code kt[d × 16 + s]}.
   */
  private static void transpose16(MemorySegment keys, long[] at, int d0, float[] kt) {
    long d = (long) d0 * Float.BYTES;
    FloatVector r0 = FloatVector.fromMemorySegment(SPECIES, keys, at[0] + d, ORDER);
    FloatVector r1 = FloatVector.fromMemorySegment(SPECIES, keys, at[1] + d, ORDER);
    FloatVector r2 = FloatVector.fromMemorySegment(SPECIES, keys, at[2] + d, ORDER);
    FloatVector r3 = FloatVector.fromMemorySegment(SPECIES, keys, at[3] + d, ORDER);
    FloatVector r4 = FloatVector.fromMemorySegment(SPECIES, keys, at[4] + d, ORDER);
    FloatVector r5 = FloatVector.fromMemorySegment(SPECIES, keys, at[5] + d, ORDER);
    FloatVector r6 = FloatVector.fromMemorySegment(SPECIES, keys, at[6] + d, ORDER);
    FloatVector r7 = FloatVector.fromMemorySegment(SPECIES, keys, at[7] + d, ORDER);
    FloatVector r8 = FloatVector.fromMemorySegment(SPECIES, keys, at[8] + d, ORDER);
    FloatVector r9 = FloatVector.fromMemorySegment(SPECIES, keys, at[9] + d, ORDER);
    FloatVector r10 = FloatVector.fromMemorySegment(SPECIES, keys, at[10] + d, ORDER);
    FloatVector r11 = FloatVector.fromMemorySegment(SPECIES, keys, at[11] + d, ORDER);
    FloatVector r12 = FloatVector.fromMemorySegment(SPECIES, keys, at[12] + d, ORDER);
    FloatVector r13 = FloatVector.fromMemorySegment(SPECIES, keys, at[13] + d, ORDER);
    FloatVector r14 = FloatVector.fromMemorySegment(SPECIES, keys, at[14] + d, ORDER);
    FloatVector r15 = FloatVector.fromMemorySegment(SPECIES, keys, at[15] + d, ORDER);
    FloatVector t0s8 = r0.blend(r8.rearrange(DOWN8), MASK8);
    r8 = r0.rearrange(UP8).blend(r8, MASK8);
    r0 = t0s8;
    FloatVector t1s8 = r1.blend(r9.rearrange(DOWN8), MASK8);
    r9 = r1.rearrange(UP8).blend(r9, MASK8);
    r1 = t1s8;
    FloatVector t2s8 = r2.blend(r10.rearrange(DOWN8), MASK8);
    r10 = r2.rearrange(UP8).blend(r10, MASK8);
    r2 = t2s8;
    FloatVector t3s8 = r3.blend(r11.rearrange(DOWN8), MASK8);
    r11 = r3.rearrange(UP8).blend(r11, MASK8);
    r3 = t3s8;
    FloatVector t4s8 = r4.blend(r12.rearrange(DOWN8), MASK8);
    r12 = r4.rearrange(UP8).blend(r12, MASK8);
    r4 = t4s8;
    FloatVector t5s8 = r5.blend(r13.rearrange(DOWN8), MASK8);
    r13 = r5.rearrange(UP8).blend(r13, MASK8);
    r5 = t5s8;
    FloatVector t6s8 = r6.blend(r14.rearrange(DOWN8), MASK8);
    r14 = r6.rearrange(UP8).blend(r14, MASK8);
    r6 = t6s8;
    FloatVector t7s8 = r7.blend(r15.rearrange(DOWN8), MASK8);
    r15 = r7.rearrange(UP8).blend(r15, MASK8);
    r7 = t7s8;
    FloatVector t0s4 = r0.blend(r4.rearrange(DOWN4), MASK4);
    r4 = r0.rearrange(UP4).blend(r4, MASK4);
    r0 = t0s4;
    FloatVector t1s4 = r1.blend(r5.rearrange(DOWN4), MASK4);
    r5 = r1.rearrange(UP4).blend(r5, MASK4);
    r1 = t1s4;
    FloatVector t2s4 = r2.blend(r6.rearrange(DOWN4), MASK4);
    r6 = r2.rearrange(UP4).blend(r6, MASK4);
    r2 = t2s4;
    FloatVector t3s4 = r3.blend(r7.rearrange(DOWN4), MASK4);
    r7 = r3.rearrange(UP4).blend(r7, MASK4);
    r3 = t3s4;
    FloatVector t8s4 = r8.blend(r12.rearrange(DOWN4), MASK4);
    r12 = r8.rearrange(UP4).blend(r12, MASK4);
    r8 = t8s4;
    FloatVector t9s4 = r9.blend(r13.rearrange(DOWN4), MASK4);
    r13 = r9.rearrange(UP4).blend(r13, MASK4);
    r9 = t9s4;
    FloatVector t10s4 = r10.blend(r14.rearrange(DOWN4), MASK4);
    r14 = r10.rearrange(UP4).blend(r14, MASK4);
    r10 = t10s4;
    FloatVector t11s4 = r11.blend(r15.rearrange(DOWN4), MASK4);
    r15 = r11.rearrange(UP4).blend(r15, MASK4);
    r11 = t11s4;
    FloatVector t0s2 = r0.blend(r2.rearrange(DOWN2), MASK2);
    r2 = r0.rearrange(UP2).blend(r2, MASK2);
    r0 = t0s2;
    FloatVector t1s2 = r1.blend(r3.rearrange(DOWN2), MASK2);
    r3 = r1.rearrange(UP2).blend(r3, MASK2);
    r1 = t1s2;
    FloatVector t4s2 = r4.blend(r6.rearrange(DOWN2), MASK2);
    r6 = r4.rearrange(UP2).blend(r6, MASK2);
    r4 = t4s2;
    FloatVector t5s2 = r5.blend(r7.rearrange(DOWN2), MASK2);
    r7 = r5.rearrange(UP2).blend(r7, MASK2);
    r5 = t5s2;
    FloatVector t8s2 = r8.blend(r10.rearrange(DOWN2), MASK2);
    r10 = r8.rearrange(UP2).blend(r10, MASK2);
    r8 = t8s2;
    FloatVector t9s2 = r9.blend(r11.rearrange(DOWN2), MASK2);
    r11 = r9.rearrange(UP2).blend(r11, MASK2);
    r9 = t9s2;
    FloatVector t12s2 = r12.blend(r14.rearrange(DOWN2), MASK2);
    r14 = r12.rearrange(UP2).blend(r14, MASK2);
    r12 = t12s2;
    FloatVector t13s2 = r13.blend(r15.rearrange(DOWN2), MASK2);
    r15 = r13.rearrange(UP2).blend(r15, MASK2);
    r13 = t13s2;
    FloatVector t0s1 = r0.blend(r1.rearrange(DOWN1), MASK1);
    r1 = r0.rearrange(UP1).blend(r1, MASK1);
    r0 = t0s1;
    FloatVector t2s1 = r2.blend(r3.rearrange(DOWN1), MASK1);
    r3 = r2.rearrange(UP1).blend(r3, MASK1);
    r2 = t2s1;
    FloatVector t4s1 = r4.blend(r5.rearrange(DOWN1), MASK1);
    r5 = r4.rearrange(UP1).blend(r5, MASK1);
    r4 = t4s1;
    FloatVector t6s1 = r6.blend(r7.rearrange(DOWN1), MASK1);
    r7 = r6.rearrange(UP1).blend(r7, MASK1);
    r6 = t6s1;
    FloatVector t8s1 = r8.blend(r9.rearrange(DOWN1), MASK1);
    r9 = r8.rearrange(UP1).blend(r9, MASK1);
    r8 = t8s1;
    FloatVector t10s1 = r10.blend(r11.rearrange(DOWN1), MASK1);
    r11 = r10.rearrange(UP1).blend(r11, MASK1);
    r10 = t10s1;
    FloatVector t12s1 = r12.blend(r13.rearrange(DOWN1), MASK1);
    r13 = r12.rearrange(UP1).blend(r13, MASK1);
    r12 = t12s1;
    FloatVector t14s1 = r14.blend(r15.rearrange(DOWN1), MASK1);
    r15 = r14.rearrange(UP1).blend(r15, MASK1);
    r14 = t14s1;
    r0.intoArray(kt, (d0 + 0) * 16);
    r1.intoArray(kt, (d0 + 1) * 16);
    r2.intoArray(kt, (d0 + 2) * 16);
    r3.intoArray(kt, (d0 + 3) * 16);
    r4.intoArray(kt, (d0 + 4) * 16);
    r5.intoArray(kt, (d0 + 5) * 16);
    r6.intoArray(kt, (d0 + 6) * 16);
    r7.intoArray(kt, (d0 + 7) * 16);
    r8.intoArray(kt, (d0 + 8) * 16);
    r9.intoArray(kt, (d0 + 9) * 16);
    r10.intoArray(kt, (d0 + 10) * 16);
    r11.intoArray(kt, (d0 + 11) * 16);
    r12.intoArray(kt, (d0 + 12) * 16);
    r13.intoArray(kt, (d0 + 13) * 16);
    r14.intoArray(kt, (d0 + 14) * 16);
    r15.intoArray(kt, (d0 + 15) * 16);
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
