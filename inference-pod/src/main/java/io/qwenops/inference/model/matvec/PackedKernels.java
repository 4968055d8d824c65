package io.qwenops.inference.model.matvec;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Register-blocked Vector API kernels over BF16 and Q8 weights ({@link Matrix}): each weight vector
 * is loaded and widened to F32 in registers once, then multiplied into several activation columns
 * (BF16: one row × two to four columns, or two rows for a lone column; Q8: two rows × two to four
 * columns, or four rows for a lone column). Rows computed together come from far apart in the
 * thread's range (its halves or quarters), so every FMA chain reads one long sequential stream.
 * Accumulation is F32.
 *
 * <p>Every output entry is one FMA chain over the row in a fixed order, summed across lanes in a
 * fixed order: a column's result does not depend on how many columns share the call, nor on which
 * JIT tier runs it (no {@code reduceLanes}, whose order C2 may change).
 *
 * <p>BF16: an int lane holds two bf16 entries, 2i in its low half and 2i+1 in its high half; {@code
 * << 16} and {@code & 0xFFFF0000} give both as floats. The activations are therefore laid out
 * "even/odd split" per block of 2·lanes entries ({@link #prepare}), once per call.
 */
final class PackedKernels {

  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  private static final int L = F.length();
  private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Byte> B =
      VectorSpecies.of(byte.class, VectorShape.forBitSize(L * Byte.SIZE));
  static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;
  static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED;
  private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
  private static final int GROUP = Matrix.Q8_GROUP;
  private static final VectorOperators.Conversion<Byte, Float> B2F = VectorOperators.B2F;

  /** Columns one pass computes together. */
  static final int COLUMNS = 4;

  private PackedKernels() {}

  /**
   * The first {@code cols} columns of {@code x} (columns of {@code w.cols()}) as the kernels read
   * them: padded with zero columns to a multiple of {@link #COLUMNS} (a lone column is not: the
   * one-column kernels read only it), and even/odd split for BF16.
   */
  static float[] prepare(Matrix w, float[] x, int cols) {
    int in = w.cols();
    int padded = cols == 1 ? 1 : (cols + COLUMNS - 1) / COLUMNS * COLUMNS;
    float[] out = new float[padded * in];
    if (w.encoding() != Matrix.Encoding.BF16) {
      System.arraycopy(x, 0, out, 0, cols * in);
      return out;
    }
    int blocks = in / (2 * L) * (2 * L);
    for (int c = 0; c < cols; c++) {
      int base = c * in;
      for (int k = 0; k < blocks; k += 2 * L) {
        for (int i = 0; i < L; i++) {
          out[base + k + i] = x[base + k + 2 * i];
          out[base + k + L + i] = x[base + k + 2 * i + 1];
        }
      }
      System.arraycopy(x, base + blocks, out, base + blocks, in - blocks);
    }
    return out;
  }

  /**
   * {@code y[yOffset + j·out + r] (+)= W[r, :] · xp[xOffset + j·in ..]} for rows {@code [from, to)}
   * and {@code cols} (1–4) columns of a {@link #prepare}d array.
   */
  static void rows(
      Matrix w,
      float[] xp,
      int xOffset,
      int cols,
      float[] y,
      int yOffset,
      int out,
      boolean add,
      int from,
      int to) {
    boolean bf16 = w.encoding() == Matrix.Encoding.BF16;
    if (cols == 1) {
      if (bf16) {
        bf16OneRow(w, xp, xOffset, y, yOffset, add, from, to);
      } else {
        q8FourRows(w, xp, xOffset, y, yOffset, add, from, to);
      }
    } else if (bf16) {
      bf16TwoRowsFourColumns(w, xp, xOffset, cols, y, yOffset, out, add, from, to);
    } else {
      q8TwoRows(w, xp, xOffset, cols, y, yOffset, out, add, from, to);
    }
  }

  /**
   * Two to four BF16 columns, two rows at a time: row {@code i} and row {@code i + half} of the
   * range (two streams apart, as {@link #bf16OneRow} reads them), eight FMA chains, each column's
   * activations loaded once for both rows. Each chain is the one the one-row kernel ran (even half,
   * then odd half, block by block), so the bits are the same ({@code
   * NarrowKernelsMatchLegacyTest}). One row at a time ran four chains of two dependent FMAs per
   * block, which the FMA latency bounded.
   */
  private static void bf16TwoRowsFourColumns(
      Matrix w,
      float[] x,
      int xo,
      int cols,
      float[] y,
      int yOffset,
      int out,
      boolean add,
      int from,
      int to) {
    MemorySegment m = w.data();
    int in = w.cols();
    int bound = in / (2 * L) * (2 * L);
    int half = (to - from + 1) / 2;
    float[] lanes = new float[2 * COLUMNS * L];
    for (int r = from; r < from + half; r++) {
      // Past the end the second row repeats the first; storeBlock then skips it.
      int r1 = r + half < to ? r + half : r;
      long b0 = (long) r * in * 2;
      long b1 = (long) r1 * in * 2;
      MemorySegment m0 = m.asSlice(b0, in * 2L);
      MemorySegment m1 = m.asSlice(b1, in * 2L);
      FloatVector a00 = FloatVector.zero(F), a01 = a00, a02 = a00, a03 = a00;
      FloatVector a10 = a00, a11 = a00, a12 = a00, a13 = a00;
      for (int k = 0; k < bound; k += 2 * L) {
        IntVector v0 = IntVector.fromMemorySegment(I, m0, k * 2L, ORDER);
        IntVector v1 = IntVector.fromMemorySegment(I, m1, k * 2L, ORDER);
        FloatVector e0 = v0.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
        FloatVector o0 = v0.and(0xFFFF0000).reinterpretAsFloats();
        FloatVector e1 = v1.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
        FloatVector o1 = v1.and(0xFFFF0000).reinterpretAsFloats();
        int i = xo + k;
        FloatVector xe = FloatVector.fromArray(F, x, i);
        FloatVector xd = FloatVector.fromArray(F, x, i + L);
        a00 = o0.fma(xd, e0.fma(xe, a00));
        a10 = o1.fma(xd, e1.fma(xe, a10));
        xe = FloatVector.fromArray(F, x, i + in);
        xd = FloatVector.fromArray(F, x, i + in + L);
        a01 = o0.fma(xd, e0.fma(xe, a01));
        a11 = o1.fma(xd, e1.fma(xe, a11));
        xe = FloatVector.fromArray(F, x, i + 2 * in);
        xd = FloatVector.fromArray(F, x, i + 2 * in + L);
        a02 = o0.fma(xd, e0.fma(xe, a02));
        a12 = o1.fma(xd, e1.fma(xe, a12));
        xe = FloatVector.fromArray(F, x, i + 3 * in);
        xd = FloatVector.fromArray(F, x, i + 3 * in + L);
        a03 = o0.fma(xd, e0.fma(xe, a03));
        a13 = o1.fma(xd, e1.fma(xe, a13));
      }
      a00.intoArray(lanes, 0);
      a01.intoArray(lanes, L);
      a02.intoArray(lanes, 2 * L);
      a03.intoArray(lanes, 3 * L);
      a10.intoArray(lanes, 4 * L);
      a11.intoArray(lanes, 5 * L);
      a12.intoArray(lanes, 6 * L);
      a13.intoArray(lanes, 7 * L);
      storeBlock(
          y,
          yOffset,
          out,
          add,
          cols,
          r,
          r1,
          sumLanes(lanes, 0) + bf16Tail(m, b0, x, xo, bound, in),
          sumLanes(lanes, L) + bf16Tail(m, b0, x, xo + in, bound, in),
          sumLanes(lanes, 2 * L) + bf16Tail(m, b0, x, xo + 2 * in, bound, in),
          sumLanes(lanes, 3 * L) + bf16Tail(m, b0, x, xo + 3 * in, bound, in),
          sumLanes(lanes, 4 * L) + bf16Tail(m, b1, x, xo, bound, in),
          sumLanes(lanes, 5 * L) + bf16Tail(m, b1, x, xo + in, bound, in),
          sumLanes(lanes, 6 * L) + bf16Tail(m, b1, x, xo + 2 * in, bound, in),
          sumLanes(lanes, 7 * L) + bf16Tail(m, b1, x, xo + 3 * in, bound, in));
    }
  }

  /**
   * One column, two rows at a time: row {@code i} and row {@code i + half} of the range, each its
   * own FMA chain (the chain the one-row kernel ran, so the same bits) over its own sequential
   * stream: 1.2–1.3× one row alone (one chain, whose latency bounds it, and fewer bytes in flight)
   * on one thread from memory, 1.6× from L2 (`--narrow-probe`, 2026-12-04). Adjacent rows
   * interleaved were slower than one row from memory (12–16 GB/s against 15–28): the streams must
   * be apart.
   */
  private static void bf16OneRow(
      Matrix w, float[] x, int xo, float[] y, int yOffset, boolean add, int from, int to) {
    MemorySegment m = w.data();
    int in = w.cols();
    int bound = in / (2 * L) * (2 * L);
    int half = (to - from + 1) / 2;
    float[] lanes = new float[2 * L];
    for (int r = from; r < from + half; r++) {
      // Past the end the second row repeats the first (its bytes are in L1) and is not stored.
      int r1 = r + half < to ? r + half : r;
      long b0 = (long) r * in * 2;
      long b1 = (long) r1 * in * 2;
      FloatVector a0 = FloatVector.zero(F), a1 = a0;
      for (int k = 0; k < bound; k += 2 * L) {
        IntVector v0 = IntVector.fromMemorySegment(I, m, b0 + k * 2L, ORDER);
        IntVector v1 = IntVector.fromMemorySegment(I, m, b1 + k * 2L, ORDER);
        FloatVector xe = FloatVector.fromArray(F, x, xo + k);
        FloatVector xd = FloatVector.fromArray(F, x, xo + k + L);
        FloatVector e0 = v0.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
        FloatVector e1 = v1.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
        a0 = v0.and(0xFFFF0000).reinterpretAsFloats().fma(xd, e0.fma(xe, a0));
        a1 = v1.and(0xFFFF0000).reinterpretAsFloats().fma(xd, e1.fma(xe, a1));
      }
      a0.intoArray(lanes, 0);
      a1.intoArray(lanes, L);
      store(y, yOffset + r, add, sumLanes(lanes, 0) + bf16Tail(m, b0, x, xo, bound, in));
      if (r1 != r) {
        store(y, yOffset + r1, add, sumLanes(lanes, L) + bf16Tail(m, b1, x, xo, bound, in));
      }
    }
  }

  /**
   * Two to four Q8 columns, two rows at a time: row {@code i} and row {@code i + half} of the
   * range, so each row's FMA chains read one long sequential stream. Each row is a slice so in-row
   * offsets are ints the JIT can bounds-check once per row. One loop over K takes each vector's
   * scale from the row's scale slice: a nested loop over each group's two vectors ran at half the
   * speed. The chains and their order are the ones the kernel had before ({@code
   * NarrowKernelsMatchLegacyTest}).
   */
  private static void q8TwoRows(
      Matrix w,
      float[] x,
      int xo,
      int cols,
      float[] y,
      int yOffset,
      int out,
      boolean add,
      int from,
      int to) {
    MemorySegment m = w.data();
    MemorySegment s = w.scales();
    int in = w.cols();
    long scaleBytes = in / GROUP * 4L;
    int half = (to - from + 1) / 2;
    float[] lanes = new float[2 * COLUMNS * L];
    for (int r = from; r < from + half; r++) {
      // Past the end the second row repeats the first; storeBlock then skips it.
      int r1 = r + half < to ? r + half : r;
      MemorySegment m0 = m.asSlice((long) r * in, in);
      MemorySegment m1 = m.asSlice((long) r1 * in, in);
      MemorySegment s0 = s.asSlice(r * scaleBytes, scaleBytes);
      MemorySegment s1 = s.asSlice(r1 * scaleBytes, scaleBytes);
      FloatVector a00 = FloatVector.zero(F), a01 = a00, a02 = a00, a03 = a00;
      FloatVector a10 = a00, a11 = a00, a12 = a00, a13 = a00;
      for (int k = 0; k < in; k += L) {
        FloatVector c0 = FloatVector.broadcast(F, s0.get(FLOAT, k / GROUP * 4L));
        FloatVector c1 = FloatVector.broadcast(F, s1.get(FLOAT, k / GROUP * 4L));
        FloatVector w0 =
            ((FloatVector) ByteVector.fromMemorySegment(B, m0, k, ORDER).convertShape(B2F, F, 0))
                .mul(c0);
        FloatVector w1 =
            ((FloatVector) ByteVector.fromMemorySegment(B, m1, k, ORDER).convertShape(B2F, F, 0))
                .mul(c1);
        int i = xo + k;
        FloatVector xv = FloatVector.fromArray(F, x, i);
        a00 = w0.fma(xv, a00);
        a10 = w1.fma(xv, a10);
        xv = FloatVector.fromArray(F, x, i + in);
        a01 = w0.fma(xv, a01);
        a11 = w1.fma(xv, a11);
        xv = FloatVector.fromArray(F, x, i + 2 * in);
        a02 = w0.fma(xv, a02);
        a12 = w1.fma(xv, a12);
        xv = FloatVector.fromArray(F, x, i + 3 * in);
        a03 = w0.fma(xv, a03);
        a13 = w1.fma(xv, a13);
      }
      a00.intoArray(lanes, 0);
      a01.intoArray(lanes, L);
      a02.intoArray(lanes, 2 * L);
      a03.intoArray(lanes, 3 * L);
      a10.intoArray(lanes, 4 * L);
      a11.intoArray(lanes, 5 * L);
      a12.intoArray(lanes, 6 * L);
      a13.intoArray(lanes, 7 * L);
      storeBlock(
          y,
          yOffset,
          out,
          add,
          cols,
          r,
          r1,
          sumLanes(lanes, 0),
          sumLanes(lanes, L),
          sumLanes(lanes, 2 * L),
          sumLanes(lanes, 3 * L),
          sumLanes(lanes, 4 * L),
          sumLanes(lanes, 5 * L),
          sumLanes(lanes, 6 * L),
          sumLanes(lanes, 7 * L));
    }
  }

  /**
   * Q8 rows {@code [from, to)} as F32 (entry × its group's scale), row after row from 0. Each row
   * is a slice, as in {@link #q8TwoRows}, so its offsets are ints.
   */
  static void q8Widen(Matrix w, int from, int to, float[] scratch) {
    MemorySegment m = w.data();
    MemorySegment s = w.scales();
    int in = w.cols();
    long scaleBytes = in / GROUP * 4L;
    for (int r = from; r < to; r++) {
      MemorySegment row = m.asSlice((long) r * in, in);
      MemorySegment scales = s.asSlice(r * scaleBytes, scaleBytes);
      int o = (r - from) * in;
      for (int k = 0; k < in; k += L) {
        FloatVector c = FloatVector.broadcast(F, scales.get(FLOAT, k / GROUP * 4L));
        ((FloatVector) ByteVector.fromMemorySegment(B, row, k, ORDER).convertShape(B2F, F, 0))
            .mul(c)
            .intoArray(scratch, o + k);
      }
    }
  }

  private static void q8FourRows(
      Matrix w, float[] x, int xo, float[] y, int yOffset, boolean add, int from, int to) {
    MemorySegment m = w.data();
    MemorySegment s = w.scales();
    int in = w.cols();
    long scaleBytes = in / GROUP * 4L;
    int quarter = (to - from + 3) / 4;
    float[] lanes = new float[4 * L];
    for (int r0 = from; r0 < from + quarter; r0++) {
      // Past the end a row repeats r0 (cheap: its bytes are in L1) and is not stored.
      int r1 = r0 + quarter < to ? r0 + quarter : r0;
      int r2 = r0 + 2 * quarter < to ? r0 + 2 * quarter : r0;
      int r3 = r0 + 3 * quarter < to ? r0 + 3 * quarter : r0;
      MemorySegment m0 = m.asSlice((long) r0 * in, in);
      MemorySegment m1 = m.asSlice((long) r1 * in, in);
      MemorySegment m2 = m.asSlice((long) r2 * in, in);
      MemorySegment m3 = m.asSlice((long) r3 * in, in);
      MemorySegment s0 = s.asSlice(r0 * scaleBytes, scaleBytes);
      MemorySegment s1 = s.asSlice(r1 * scaleBytes, scaleBytes);
      MemorySegment s2 = s.asSlice(r2 * scaleBytes, scaleBytes);
      MemorySegment s3 = s.asSlice(r3 * scaleBytes, scaleBytes);
      FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
      for (int k = 0; k < in; k += L) {
        long at = k / GROUP * 4L;
        FloatVector c0 = FloatVector.broadcast(F, s0.get(FLOAT, at));
        FloatVector c1 = FloatVector.broadcast(F, s1.get(FLOAT, at));
        FloatVector c2 = FloatVector.broadcast(F, s2.get(FLOAT, at));
        FloatVector c3 = FloatVector.broadcast(F, s3.get(FLOAT, at));
        FloatVector xv = FloatVector.fromArray(F, x, xo + k);
        a0 =
            ((FloatVector) ByteVector.fromMemorySegment(B, m0, k, ORDER).convertShape(B2F, F, 0))
                .mul(c0)
                .fma(xv, a0);
        a1 =
            ((FloatVector) ByteVector.fromMemorySegment(B, m1, k, ORDER).convertShape(B2F, F, 0))
                .mul(c1)
                .fma(xv, a1);
        a2 =
            ((FloatVector) ByteVector.fromMemorySegment(B, m2, k, ORDER).convertShape(B2F, F, 0))
                .mul(c2)
                .fma(xv, a2);
        a3 =
            ((FloatVector) ByteVector.fromMemorySegment(B, m3, k, ORDER).convertShape(B2F, F, 0))
                .mul(c3)
                .fma(xv, a3);
      }
      a0.intoArray(lanes, 0);
      a1.intoArray(lanes, L);
      a2.intoArray(lanes, 2 * L);
      a3.intoArray(lanes, 3 * L);
      store(y, yOffset + r0, add, sumLanes(lanes, 0));
      if (r1 != r0) {
        store(y, yOffset + r1, add, sumLanes(lanes, L));
      }
      if (r2 != r0) {
        store(y, yOffset + r2, add, sumLanes(lanes, 2 * L));
      }
      if (r3 != r0) {
        store(y, yOffset + r3, add, sumLanes(lanes, 3 * L));
      }
    }
  }

  /** The entries past the last full block of a BF16 row (none for Qwen's widths), in order. */
  private static float bf16Tail(MemorySegment m, long row, float[] x, int xo, int bound, int in) {
    float sum = 0;
    for (int k = bound; k < in; k++) {
      sum += Matrix.bf16ToFloat(m.get(SHORT, row + k * 2L)) * x[xo + k];
    }
    return sum;
  }

  /** {@code lanes[from .. from + L)} summed left to right from 0 ({@link MatVecKernels#sum}). */
  private static float sumLanes(float[] lanes, int from) {
    return MatVecKernels.sumLanes(lanes, from);
  }

  /**
   * A two-row block's sums: {@code s0c} of row {@code r}, {@code s1c} of row {@code r1} (skipped
   * when it repeats {@code r} at an odd end), columns below {@code cols}. It takes floats: a method
   * taking the eight accumulator vectors made the Q8 kernels ~10× slower (they were boxed).
   */
  private static void storeBlock(
      float[] y,
      int yOffset,
      int out,
      boolean add,
      int cols,
      int r,
      int r1,
      float s00,
      float s01,
      float s02,
      float s03,
      float s10,
      float s11,
      float s12,
      float s13) {
    boolean second = r1 != r;
    store(y, yOffset + r, add, s00);
    if (second) {
      store(y, yOffset + r1, add, s10);
    }
    if (cols > 1) {
      store(y, yOffset + out + r, add, s01);
      if (second) {
        store(y, yOffset + out + r1, add, s11);
      }
    }
    if (cols > 2) {
      store(y, yOffset + 2 * out + r, add, s02);
      if (second) {
        store(y, yOffset + 2 * out + r1, add, s12);
      }
    }
    if (cols > 3) {
      store(y, yOffset + 3 * out + r, add, s03);
      if (second) {
        store(y, yOffset + 3 * out + r1, add, s13);
      }
    }
  }

  private static void store(float[] y, int i, boolean add, float sum) {
    y[i] = add ? y[i] + sum : sum;
  }
}
