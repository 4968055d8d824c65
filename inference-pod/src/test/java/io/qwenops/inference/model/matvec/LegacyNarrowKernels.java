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
 * The narrow (1–4 column) kernels as they were before the register lane sums (commit 2bb0403), kept
 * verbatim as the oracle: the new kernels must give these exact bits, and {@link NarrowProbe} times
 * them against the new ones in one JVM.
 */
final class LegacyNarrowKernels {

  private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
  private static final int LANES = SPECIES.length();
  private static final VectorSpecies<Float> F = SPECIES;
  private static final int L = LANES;
  private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Byte> B =
      VectorSpecies.of(byte.class, VectorShape.forBitSize(L * Byte.SIZE));
  private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;
  private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED;
  private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
  private static final int GROUP = Matrix.Q8_GROUP;
  static final int COLUMNS = 4;

  private static final int BLOCK_BYTES = 128 << 10;

  private LegacyNarrowKernels() {}

  /**
   * {@code W · x[j]} for j < cols (1–8) as DecodeMatVec dispatched it to these kernels; Q8 over 4
   * columns takes today's wide path, which is not this class's.
   */
  static float[] multiply(RowSplitter splitter, Matrix w, float[] x, int cols) {
    int in = w.cols();
    int out = w.rows();
    float[] y = new float[cols * out];
    int groups = (cols + 3) / 4;
    if (w.encoding() == Matrix.Encoding.F32) {
      MemorySegment m = w.data();
      if (cols == 1) {
        splitter.run(out, (f, t) -> oneColumn(m, in, x, 0, y, 0, false, f, t));
        return y;
      }
      int block = groups == 1 ? out : Math.max(1, BLOCK_BYTES / (in * Float.BYTES));
      splitter.run(
          out,
          (f, t) -> {
            for (int s = f; s < t; s += block) {
              for (int g = 0; g < groups; g++) {
                fourColumns(
                    m,
                    in,
                    x,
                    g * 4 * in,
                    Math.min(4, cols - g * 4),
                    y,
                    g * 4 * out,
                    out,
                    false,
                    s,
                    Math.min(t, s + block));
              }
            }
          });
      return y;
    }
    float[] xp = PackedKernels.prepare(w, x, cols);
    if (groups > 1 && w.encoding() == Matrix.Encoding.Q8) {
      return new DecodeMatVec(splitter).multiply(w, x, cols, null); // the wide path, unchanged
    }
    int block = groups == 1 ? out : Math.max(2, BLOCK_BYTES / (in * w.encoding().bytes()));
    splitter.run(
        out,
        (f, t) -> {
          for (int s = f; s < t; s += block) {
            for (int g = 0; g < groups; g++) {
              packedRows(
                  w,
                  xp,
                  g * 4 * in,
                  Math.min(4, cols - g * 4),
                  y,
                  g * 4 * out,
                  out,
                  false,
                  s,
                  Math.min(t, s + block));
            }
          }
        });
    return y;
  }

  static void oneColumn(
      MemorySegment w,
      int in,
      float[] x,
      int xOffset,
      float[] y,
      int yOffset,
      boolean add,
      int from,
      int to) {
    int bound = SPECIES.loopBound(in);
    int unrolled = in - in % (4 * LANES);
    for (int r = from; r < to; r++) {
      long row = (long) r * in * Float.BYTES;
      FloatVector a0 = FloatVector.zero(SPECIES);
      FloatVector a1 = FloatVector.zero(SPECIES);
      FloatVector a2 = FloatVector.zero(SPECIES);
      FloatVector a3 = FloatVector.zero(SPECIES);
      int k = 0;
      for (; k < unrolled; k += 4 * LANES) {
        int i = xOffset + k;
        a0 = load(w, row, k).fma(FloatVector.fromArray(SPECIES, x, i), a0);
        a1 = load(w, row, k + LANES).fma(FloatVector.fromArray(SPECIES, x, i + LANES), a1);
        a2 = load(w, row, k + 2 * LANES).fma(FloatVector.fromArray(SPECIES, x, i + 2 * LANES), a2);
        a3 = load(w, row, k + 3 * LANES).fma(FloatVector.fromArray(SPECIES, x, i + 3 * LANES), a3);
      }
      for (; k < bound; k += LANES) {
        a0 = load(w, row, k).fma(FloatVector.fromArray(SPECIES, x, xOffset + k), a0);
      }
      float sum = sum(a0.add(a1).add(a2.add(a3)));
      for (; k < in; k++) {
        sum += w.get(FLOAT, row + (long) k * Float.BYTES) * x[xOffset + k];
      }
      store(y, yOffset + r, add, sum);
    }
  }

  static void fourColumns(
      MemorySegment w,
      int in,
      float[] x,
      int xOffset,
      int cols,
      float[] y,
      int yOffset,
      int out,
      boolean add,
      int from,
      int to) {
    int bound = SPECIES.loopBound(in);
    for (int r = from; r < to; r++) {
      long row = (long) r * in * Float.BYTES;
      FloatVector a0 = FloatVector.zero(SPECIES);
      FloatVector a1 = FloatVector.zero(SPECIES);
      FloatVector a2 = FloatVector.zero(SPECIES);
      FloatVector a3 = FloatVector.zero(SPECIES);
      int k = 0;
      for (; k < bound; k += LANES) {
        FloatVector wv = load(w, row, k);
        int i = xOffset + k;
        a0 = wv.fma(FloatVector.fromArray(SPECIES, x, i), a0);
        a1 = wv.fma(FloatVector.fromArray(SPECIES, x, in + i), a1);
        a2 = wv.fma(FloatVector.fromArray(SPECIES, x, 2 * in + i), a2);
        a3 = wv.fma(FloatVector.fromArray(SPECIES, x, 3 * in + i), a3);
      }
      float s0 = sum(a0);
      float s1 = sum(a1);
      float s2 = sum(a2);
      float s3 = sum(a3);
      for (; k < in; k++) {
        float wk = w.get(FLOAT, row + (long) k * Float.BYTES);
        int i = xOffset + k;
        s0 += wk * x[i];
        s1 += wk * x[in + i];
        s2 += wk * x[2 * in + i];
        s3 += wk * x[3 * in + i];
      }
      store(y, yOffset + r, add, s0);
      if (cols > 1) {
        store(y, yOffset + out + r, add, s1);
      }
      if (cols > 2) {
        store(y, yOffset + 2 * out + r, add, s2);
      }
      if (cols > 3) {
        store(y, yOffset + 3 * out + r, add, s3);
      }
    }
  }

  private static void store(float[] y, int i, boolean add, float sum) {
    y[i] = add ? y[i] + sum : sum;
  }

  static float sum(FloatVector v) {
    float[] lanes = new float[LANES];
    v.intoArray(lanes, 0);
    float s = 0;
    for (float lane : lanes) {
      s += lane;
    }
    return s;
  }

  static void packedRows(
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
        bf16FourRows(w, xp, xOffset, y, yOffset, add, from, to);
      } else {
        q8FourRows(w, xp, xOffset, y, yOffset, add, from, to);
      }
    } else if (bf16) {
      bf16TwoRows(w, xp, xOffset, cols, y, yOffset, out, add, from, to);
    } else {
      q8TwoRows(w, xp, xOffset, cols, y, yOffset, out, add, from, to);
    }
  }

  private static void bf16TwoRows(
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
    float[] lanes = new float[L];
    float[] sums = new float[2 * COLUMNS];
    for (int r = from; r < to; r += 2) {
      int r1 = Math.min(r + 1, to - 1);
      long b0 = (long) r * in * 2;
      long b1 = (long) r1 * in * 2;
      FloatVector a00 = FloatVector.zero(F), a01 = a00, a02 = a00, a03 = a00;
      FloatVector a10 = a00, a11 = a00, a12 = a00, a13 = a00;
      for (int k = 0; k < bound; k += 2 * L) {
        IntVector v0 = IntVector.fromMemorySegment(I, m, b0 + k * 2L, ORDER);
        IntVector v1 = IntVector.fromMemorySegment(I, m, b1 + k * 2L, ORDER);
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
      sums[0] = sum(a00, lanes);
      sums[1] = sum(a01, lanes);
      sums[2] = sum(a02, lanes);
      sums[3] = sum(a03, lanes);
      sums[4] = sum(a10, lanes);
      sums[5] = sum(a11, lanes);
      sums[6] = sum(a12, lanes);
      sums[7] = sum(a13, lanes);
      for (int c = 0; c < cols; c++) {
        int xc = xo + c * in;
        store(y, yOffset + c * out + r, add, sums[c] + bf16Tail(m, b0, x, xc, bound, in));
        if (r1 != r) {
          store(y, yOffset + c * out + r1, add, sums[4 + c] + bf16Tail(m, b1, x, xc, bound, in));
        }
      }
    }
  }

  private static void bf16FourRows(
      Matrix w, float[] x, int xo, float[] y, int yOffset, boolean add, int from, int to) {
    MemorySegment m = w.data();
    int in = w.cols();
    int bound = in / (2 * L) * (2 * L);
    float[] lanes = new float[L];
    for (int r = from; r < to; r += 4) {
      long b0 = (long) r * in * 2;
      long b1 = (long) Math.min(r + 1, to - 1) * in * 2;
      long b2 = (long) Math.min(r + 2, to - 1) * in * 2;
      long b3 = (long) Math.min(r + 3, to - 1) * in * 2;
      FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
      for (int k = 0; k < bound; k += 2 * L) {
        FloatVector xe = FloatVector.fromArray(F, x, xo + k);
        FloatVector xd = FloatVector.fromArray(F, x, xo + k + L);
        IntVector v0 = IntVector.fromMemorySegment(I, m, b0 + k * 2L, ORDER);
        IntVector v1 = IntVector.fromMemorySegment(I, m, b1 + k * 2L, ORDER);
        IntVector v2 = IntVector.fromMemorySegment(I, m, b2 + k * 2L, ORDER);
        IntVector v3 = IntVector.fromMemorySegment(I, m, b3 + k * 2L, ORDER);
        a0 = odd(v0).fma(xd, even(v0).fma(xe, a0));
        a1 = odd(v1).fma(xd, even(v1).fma(xe, a1));
        a2 = odd(v2).fma(xd, even(v2).fma(xe, a2));
        a3 = odd(v3).fma(xd, even(v3).fma(xe, a3));
      }
      store(y, yOffset + r, add, sum(a0, lanes) + bf16Tail(m, b0, x, xo, bound, in));
      if (r + 1 < to) {
        store(y, yOffset + r + 1, add, sum(a1, lanes) + bf16Tail(m, b1, x, xo, bound, in));
      }
      if (r + 2 < to) {
        store(y, yOffset + r + 2, add, sum(a2, lanes) + bf16Tail(m, b2, x, xo, bound, in));
      }
      if (r + 3 < to) {
        store(y, yOffset + r + 3, add, sum(a3, lanes) + bf16Tail(m, b3, x, xo, bound, in));
      }
    }
  }

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
    float[] lanes = new float[L];
    float[] sums = new float[2 * COLUMNS];
    for (int r = from; r < to; r += 2) {
      int r1 = Math.min(r + 1, to - 1);
      long b0 = (long) r * in;
      long b1 = (long) r1 * in;
      FloatVector a00 = FloatVector.zero(F), a01 = a00, a02 = a00, a03 = a00;
      FloatVector a10 = a00, a11 = a00, a12 = a00, a13 = a00;
      for (int g = 0; g < in; g += GROUP) {
        float s0 = s.get(FLOAT, (b0 + g) / GROUP * 4);
        float s1 = s.get(FLOAT, (b1 + g) / GROUP * 4);
        for (int k = g; k < g + GROUP; k += L) {
          FloatVector w0 = q8(m, b0 + k, s0);
          FloatVector w1 = q8(m, b1 + k, s1);
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
      }
      sums[0] = sum(a00, lanes);
      sums[1] = sum(a01, lanes);
      sums[2] = sum(a02, lanes);
      sums[3] = sum(a03, lanes);
      sums[4] = sum(a10, lanes);
      sums[5] = sum(a11, lanes);
      sums[6] = sum(a12, lanes);
      sums[7] = sum(a13, lanes);
      for (int c = 0; c < cols; c++) {
        store(y, yOffset + c * out + r, add, sums[c]);
        if (r1 != r) {
          store(y, yOffset + c * out + r1, add, sums[4 + c]);
        }
      }
    }
  }

  private static void q8FourRows(
      Matrix w, float[] x, int xo, float[] y, int yOffset, boolean add, int from, int to) {
    MemorySegment m = w.data();
    MemorySegment s = w.scales();
    int in = w.cols();
    float[] lanes = new float[L];
    for (int r = from; r < to; r += 4) {
      long b0 = (long) r * in;
      long b1 = (long) Math.min(r + 1, to - 1) * in;
      long b2 = (long) Math.min(r + 2, to - 1) * in;
      long b3 = (long) Math.min(r + 3, to - 1) * in;
      FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
      for (int g = 0; g < in; g += GROUP) {
        float s0 = s.get(FLOAT, (b0 + g) / GROUP * 4);
        float s1 = s.get(FLOAT, (b1 + g) / GROUP * 4);
        float s2 = s.get(FLOAT, (b2 + g) / GROUP * 4);
        float s3 = s.get(FLOAT, (b3 + g) / GROUP * 4);
        for (int k = g; k < g + GROUP; k += L) {
          FloatVector xv = FloatVector.fromArray(F, x, xo + k);
          a0 = q8(m, b0 + k, s0).fma(xv, a0);
          a1 = q8(m, b1 + k, s1).fma(xv, a1);
          a2 = q8(m, b2 + k, s2).fma(xv, a2);
          a3 = q8(m, b3 + k, s3).fma(xv, a3);
        }
      }
      store(y, yOffset + r, add, sum(a0, lanes));
      if (r + 1 < to) {
        store(y, yOffset + r + 1, add, sum(a1, lanes));
      }
      if (r + 2 < to) {
        store(y, yOffset + r + 2, add, sum(a2, lanes));
      }
      if (r + 3 < to) {
        store(y, yOffset + r + 3, add, sum(a3, lanes));
      }
    }
  }

  private static FloatVector even(IntVector v) {
    return v.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
  }

  private static FloatVector odd(IntVector v) {
    return v.and(0xFFFF0000).reinterpretAsFloats();
  }

  /** L int8 entries at byte {@code at}, times their group's scale. */
  private static FloatVector q8(MemorySegment m, long at, float scale) {
    ByteVector b = ByteVector.fromMemorySegment(B, m, at, ORDER);
    return ((FloatVector) b.convertShape(VectorOperators.B2F, F, 0)).mul(scale);
  }

  /** The entries past the last full block of a BF16 row (none for Qwen's widths), in order. */
  private static float bf16Tail(MemorySegment m, long row, float[] x, int xo, int bound, int in) {
    float sum = 0;
    for (int k = bound; k < in; k++) {
      sum += Matrix.bf16ToFloat(m.get(SHORT, row + k * 2L)) * x[xo + k];
    }
    return sum;
  }

  /** Lanes summed left to right: the same bits whichever JIT tier runs it. */
  private static float sum(FloatVector v, float[] lanes) {
    v.intoArray(lanes, 0);
    float s = 0;
    for (int i = 0; i < L; i++) {
      s += lanes[i];
    }
    return s;
  }

  private static FloatVector load(MemorySegment m, long base, int k) {
    return FloatVector.fromMemorySegment(SPECIES, m, base + (long) k * Float.BYTES, ORDER);
  }
}
