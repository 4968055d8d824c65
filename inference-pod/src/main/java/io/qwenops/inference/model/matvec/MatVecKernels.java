package io.qwenops.inference.model.matvec;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API inner loops of {@link DecodeMatVec}: dot products of weight rows read straight
 * from a tensor's memory against one to four activation columns in Java arrays, and the small
 * vector pieces of attention and SwiGLU. Only this class touches {@code jdk.incubator.vector}, so
 * nothing else fails to load when the module is absent.
 *
 * <p>Columns are contiguous: column j of an array with columns of n entries starts at j·n.
 */
final class MatVecKernels {

  private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
  private static final int LANES = SPECIES.length();
  private static final ByteOrder ORDER = ByteOrder.nativeOrder();
  private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;

  private MatVecKernels() {}

  /** Lanes per vector on this CPU (16 with AVX-512, 8 with AVX2). */
  static int lanes() {
    return LANES;
  }

  /**
   * {@code y[yOffset + r] (+)= W[r, :] · x[xOffset ..]} for rows {@code from..to-1} of one column,
   * two rows at a time: row {@code i} and row {@code i + half} of the range, two sequential streams
   * apart, four accumulators each (eight FMA chains in flight, as the BF16 one-column kernel runs).
   * Each row keeps the chains, lane sum and tail order it has alone, so the bits do not change.
   */
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
    int half = (to - from + 1) / 2;
    float[] lanes = new float[2 * LANES];
    for (int r = from; r < from + half; r++) {
      // Past the end the second row repeats the first (its bytes are in L1) and is not stored.
      int r1 = r + half < to ? r + half : r;
      long row0 = (long) r * in * Float.BYTES;
      long row1 = (long) r1 * in * Float.BYTES;
      FloatVector a0 = FloatVector.zero(SPECIES), a1 = a0, a2 = a0, a3 = a0;
      FloatVector b0 = a0, b1 = a0, b2 = a0, b3 = a0;
      int k = 0;
      for (; k < unrolled; k += 4 * LANES) {
        int i = xOffset + k;
        FloatVector x0 = FloatVector.fromArray(SPECIES, x, i);
        FloatVector x1 = FloatVector.fromArray(SPECIES, x, i + LANES);
        FloatVector x2 = FloatVector.fromArray(SPECIES, x, i + 2 * LANES);
        FloatVector x3 = FloatVector.fromArray(SPECIES, x, i + 3 * LANES);
        a0 = load(w, row0, k).fma(x0, a0);
        b0 = load(w, row1, k).fma(x0, b0);
        a1 = load(w, row0, k + LANES).fma(x1, a1);
        b1 = load(w, row1, k + LANES).fma(x1, b1);
        a2 = load(w, row0, k + 2 * LANES).fma(x2, a2);
        b2 = load(w, row1, k + 2 * LANES).fma(x2, b2);
        a3 = load(w, row0, k + 3 * LANES).fma(x3, a3);
        b3 = load(w, row1, k + 3 * LANES).fma(x3, b3);
      }
      for (; k < bound; k += LANES) {
        FloatVector xv = FloatVector.fromArray(SPECIES, x, xOffset + k);
        a0 = load(w, row0, k).fma(xv, a0);
        b0 = load(w, row1, k).fma(xv, b0);
      }
      a0.add(a1).add(a2.add(a3)).intoArray(lanes, 0);
      b0.add(b1).add(b2.add(b3)).intoArray(lanes, LANES);
      store(y, yOffset + r, add, tail(sumLanes(lanes, 0), w, row0, x, xOffset, bound, in));
      if (r1 != r) {
        store(y, yOffset + r1, add, tail(sumLanes(lanes, LANES), w, row1, x, xOffset, bound, in));
      }
    }
  }

  /**
   * {@code sum} plus the entries past the vectors, {@code W[row, k] · x[xOffset + k]}, in order.
   */
  private static float tail(
      float sum, MemorySegment w, long row, float[] x, int xOffset, int bound, int in) {
    for (int k = bound; k < in; k++) {
      sum += w.get(FLOAT, row + (long) k * Float.BYTES) * x[xOffset + k];
    }
    return sum;
  }

  /**
   * {@code y[yOffset + j·out + r] (+)= W[r, :] · x[xOffset + j·in ..]} for {@code cols} (1–4)
   * columns: each weight vector is loaded once for all of them, and two rows share each activation
   * load (eight independent FMA chains; one row's four left the loop bound by loads and FMA latency
   * below the memory's speed). {@code x} holds four columns of {@code in} from {@code xOffset}
   * (unused ones zero). Each (row, column) is the same FMA chain, lane sum and tail as one row
   * alone.
   */
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
    float[] lanes = new float[8 * LANES];
    float[] sums = new float[8];
    for (int r = from; r < to; r += 2) {
      int r1 = Math.min(r + 1, to - 1);
      long row0 = (long) r * in * Float.BYTES;
      long row1 = (long) r1 * in * Float.BYTES;
      FloatVector a00 = FloatVector.zero(SPECIES), a01 = a00, a02 = a00, a03 = a00;
      FloatVector a10 = a00, a11 = a00, a12 = a00, a13 = a00;
      for (int k = 0; k < bound; k += LANES) {
        FloatVector w0 = load(w, row0, k);
        FloatVector w1 = load(w, row1, k);
        int i = xOffset + k;
        FloatVector xv = FloatVector.fromArray(SPECIES, x, i);
        a00 = w0.fma(xv, a00);
        a10 = w1.fma(xv, a10);
        xv = FloatVector.fromArray(SPECIES, x, in + i);
        a01 = w0.fma(xv, a01);
        a11 = w1.fma(xv, a11);
        xv = FloatVector.fromArray(SPECIES, x, 2 * in + i);
        a02 = w0.fma(xv, a02);
        a12 = w1.fma(xv, a12);
        xv = FloatVector.fromArray(SPECIES, x, 3 * in + i);
        a03 = w0.fma(xv, a03);
        a13 = w1.fma(xv, a13);
      }
      a00.intoArray(lanes, 0);
      a01.intoArray(lanes, LANES);
      a02.intoArray(lanes, 2 * LANES);
      a03.intoArray(lanes, 3 * LANES);
      a10.intoArray(lanes, 4 * LANES);
      a11.intoArray(lanes, 5 * LANES);
      a12.intoArray(lanes, 6 * LANES);
      a13.intoArray(lanes, 7 * LANES);
      for (int c = 0; c < 8; c++) {
        sums[c] = sumLanes(lanes, c * LANES);
      }
      tails(w, row0, in, bound, x, xOffset, sums, 0);
      tails(w, row1, in, bound, x, xOffset, sums, 4);
      for (int c = 0; c < cols; c++) {
        store(y, yOffset + c * out + r, add, sums[c]);
        if (r1 != r) {
          store(y, yOffset + c * out + r1, add, sums[4 + c]);
        }
      }
    }
  }

  /** Adds a row's entries past the last full vector to its four columns' sums, in order. */
  private static void tails(
      MemorySegment w, long row, int in, int bound, float[] x, int xOffset, float[] s, int at) {
    for (int k = bound; k < in; k++) {
      float wk = w.get(FLOAT, row + (long) k * Float.BYTES);
      int i = xOffset + k;
      s[at] += wk * x[i];
      s[at + 1] += wk * x[in + i];
      s[at + 2] += wk * x[2 * in + i];
      s[at + 3] += wk * x[3 * in + i];
    }
  }

  private static void store(float[] y, int i, boolean add, float sum) {
    y[i] = add ? y[i] + sum : sum;
  }

  /** {@code Σ q[qOffset + d] · m[offset + d]} over {@code n} floats of a tensor's memory. */
  static float dot(float[] q, int qOffset, MemorySegment m, long offset, int n) {
    FloatVector acc = FloatVector.zero(SPECIES);
    int bound = SPECIES.loopBound(n);
    int d = 0;
    for (; d < bound; d += LANES) {
      acc = load(m, offset, d).fma(FloatVector.fromArray(SPECIES, q, qOffset + d), acc);
    }
    float sum = 0; // sum(acc) written out: not inlined, a vector-taking helper boxes its argument
    for (int i = 0; i < LANES; i++) {
      sum += acc.lane(i);
    }
    for (; d < n; d++) {
      sum += q[qOffset + d] * m.get(FLOAT, offset + (long) d * Float.BYTES);
    }
    return sum;
  }

  /** {@code out[outOffset + d] += p · m[offset + d]} over {@code n} floats of a tensor's memory. */
  static void addScaled(float p, MemorySegment m, long offset, float[] out, int outOffset, int n) {
    FloatVector weight = FloatVector.broadcast(SPECIES, p);
    int bound = SPECIES.loopBound(n);
    int d = 0;
    for (; d < bound; d += LANES) {
      FloatVector o = FloatVector.fromArray(SPECIES, out, outOffset + d);
      load(m, offset, d).fma(weight, o).intoArray(out, outOffset + d);
    }
    for (; d < n; d++) {
      out[outOffset + d] += p * m.get(FLOAT, offset + (long) d * Float.BYTES);
    }
  }

  /**
   * SwiGLU in place: {@code g[k] = silu(g[k]) * u[k]} over {@code n} entries, where silu(g) = g /
   * (1 + e^-g), as PyTorch's {@code g * sigmoid(g) * u}.
   */
  static void swiGlu(float[] g, int gOffset, float[] u, int uOffset, int n) {
    int bound = SPECIES.loopBound(n);
    int k = 0;
    for (; k < bound; k += LANES) {
      FloatVector gate = FloatVector.fromArray(SPECIES, g, gOffset + k);
      FloatVector up = FloatVector.fromArray(SPECIES, u, uOffset + k);
      FloatVector denominator = exp(gate.neg()).add(1f);
      gate.div(denominator).mul(up).intoArray(g, gOffset + k);
    }
    for (; k < n; k++) {
      float gate = g[gOffset + k];
      g[gOffset + k] = gate / (1f + exp(-gate)) * u[uOffset + k];
    }
  }

  /** Softmax of {@code s[0..n)} in place, in F32 with the maximum subtracted first. */
  static void softmax(float[] s, int n) {
    float max = Float.NEGATIVE_INFINITY;
    for (int t = 0; t < n; t++) {
      max = Math.max(max, s[t]);
    }
    int bound = SPECIES.loopBound(n);
    FloatVector sums = FloatVector.zero(SPECIES);
    int t = 0;
    for (; t < bound; t += LANES) {
      FloatVector e = exp(FloatVector.fromArray(SPECIES, s, t).sub(max));
      e.intoArray(s, t);
      sums = sums.add(e);
    }
    float sum = 0; // sum(sums) written out, as in dot
    for (int i = 0; i < LANES; i++) {
      sum += sums.lane(i);
    }
    for (; t < n; t++) {
      s[t] = exp(s[t] - max);
      sum += s[t];
    }
    float inverse = 1f / sum;
    for (int i = 0; i < n; i++) {
      s[i] *= inverse;
    }
  }

  /**
   * Lanes summed left to right, from 0. {@code reduceLanes} may add in another order once C2
   * compiles it, so the same inputs gave last-bit differences depending on the JIT tier; this does
   * not. For small methods only: a helper that takes a vector must be inlined, or C2 boxes the
   * vector on every call; the row kernels store their accumulators into a per-call array instead
   * and sum with {@link #sumLanes}, which takes none.
   */
  static float sum(FloatVector v) {
    float s = 0;
    for (int i = 0; i < LANES; i++) {
      s += v.lane(i);
    }
    return s;
  }

  /** {@code lanes[from .. from + LANES)} summed left to right from 0: {@link #sum}'s order. */
  static float sumLanes(float[] lanes, int from) {
    float s = 0;
    for (int i = from; i < from + LANES; i++) {
      s += lanes[i];
    }
    return s;
  }

  // e^x as Cephes' expf: x = n·ln2 + r (|r| ≤ ln2/2), a degree-6 polynomial for e^r, times 2^n.
  // Only IEEE add/mul/fma, so the vector and scalar forms give the same bits on every JIT tier
  // (the Vector API's EXP is an intrinsic once compiled and Math.exp before: they differ).
  private static final float EXP_MAX = 88f; // n ≤ 127: 2^n stays a normal float
  private static final float EXP_MIN = -87.3365447505531f;
  private static final float LOG2E = 1.44269504088896341f;
  private static final float LN2_HI = 0.693359375f;
  private static final float LN2_LO = -2.12194440e-4f;
  private static final float ROUND = 12582912f; // 1.5·2^23: adding it rounds to an integer
  private static final float[] EXP_POLY = {
    1.9875691500e-4f,
    1.3981999507e-3f,
    8.3334519073e-3f,
    4.1665795894e-2f,
    1.6666665459e-1f,
    5.0000001201e-1f
  };

  static FloatVector exp(FloatVector x) {
    x = x.max(EXP_MIN).min(EXP_MAX);
    FloatVector n = x.mul(LOG2E).add(ROUND).sub(ROUND);
    FloatVector r = n.fma(FloatVector.broadcast(SPECIES, -LN2_HI), x);
    r = n.fma(FloatVector.broadcast(SPECIES, -LN2_LO), r);
    FloatVector p = FloatVector.broadcast(SPECIES, EXP_POLY[0]);
    for (int i = 1; i < EXP_POLY.length; i++) {
      p = p.fma(r, FloatVector.broadcast(SPECIES, EXP_POLY[i]));
    }
    FloatVector y = p.mul(r).fma(r, r).add(1f);
    IntVector bits =
        ((IntVector) n.convert(VectorOperators.F2I, 0)).add(127).lanewise(VectorOperators.LSHL, 23);
    return y.mul(bits.reinterpretAsFloats());
  }

  static float exp(float x) {
    x = Math.min(Math.max(x, EXP_MIN), EXP_MAX);
    float n = x * LOG2E + ROUND - ROUND;
    float r = Math.fma(n, -LN2_HI, x);
    r = Math.fma(n, -LN2_LO, r);
    float p = EXP_POLY[0];
    for (int i = 1; i < EXP_POLY.length; i++) {
      p = Math.fma(p, r, EXP_POLY[i]);
    }
    float y = Math.fma(p * r, r, r) + 1f;
    return y * Float.intBitsToFloat(((int) n + 127) << 23);
  }

  private static FloatVector load(MemorySegment m, long base, int k) {
    return FloatVector.fromMemorySegment(SPECIES, m, base + (long) k * Float.BYTES, ORDER);
  }
}
