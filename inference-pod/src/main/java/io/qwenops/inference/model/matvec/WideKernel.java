package io.qwenops.inference.model.matvec;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * BF16, Q8 and F32 products of many columns (batched decode, prefill chunks; {@link
 * DecodeMatVec#takesWide} says when), where the FMAs, not the weight stream, are the limit. Each
 * tile of {@link #ROWS} rows is widened to F32 once per column chunk into a per-thread scratch (F32
 * tiles are read in place), and every group of four columns in the chunk then runs a four rows ×
 * four columns loop over it: sixteen accumulators, eight loads per sixteen FMAs, no conversion in
 * the inner loop. The old wide path (two rows × four columns) spent a load per FMA. A chunk's
 * activations fit in L2, so a 512-column prefill chunk is not streamed from L3 once per tile.
 *
 * <p>Every result has the bits of {@link PackedKernels}' one-column kernels: BF16 rows are widened
 * into the even/odd-split layout the activations already have ({@link PackedKernels#prepare}), so
 * stepping by one vector over the scratch runs each lane's FMA chain in the order the narrow kernel
 * runs it (even half, then odd half, block by block); Q8 rows are widened to the same floats (entry
 * × scale); lanes are summed left to right, as there, and a BF16 tail is added after them, in
 * order, as the narrow kernel adds it. F32 results have the bits of {@link
 * MatVecKernels#fourColumns} (its 2–4 column kernel), whose chains and tail order they follow.
 */
final class WideKernel {

  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
  private static final int L = F.length();
  private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
  private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;

  /** Rows one tile widens and multiplies together. */
  private static final int ROWS = 4;

  /** Columns one tile multiplies: the multiple {@link PackedKernels#prepare} pads to. */
  private static final int COLUMNS = PackedKernels.COLUMNS;

  /** Activation bytes one column chunk may take: about a third of a core's 1 MiB L2. */
  private static final int CHUNK_BYTES = 384 << 10;

  /** Fewest columns in a chunk: each chunk widens every row tile again. */
  private static final int MIN_CHUNK = 32;

  /** Each thread's widened tile of rows, reused across calls. */
  private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[0]);

  private WideKernel() {}

  /**
   * {@code y[j·out + r] (+)= W[r, :] · xp[j·in ..]} for rows {@code [from, to)} and all {@code
   * cols} columns of a {@link PackedKernels#prepare}d array.
   */
  static void rows(
      Matrix w, float[] xp, int cols, float[] y, int out, boolean add, int from, int to) {
    if (w.encoding() == Matrix.Encoding.F32) {
      f32Rows(w, xp, cols, y, out, add, from, to);
      return;
    }
    int in = w.cols();
    boolean bf16 = w.encoding() == Matrix.Encoding.BF16;
    int bound = bf16 ? in / (2 * L) * (2 * L) : in;
    float[] tile = scratch(ROWS * in);
    int chunk = chunkColumns(in, cols);
    float[] lanes = new float[ROWS * COLUMNS * L];
    for (int start = 0; start < cols; start += chunk) {
      int end = Math.min(cols, start + chunk);
      for (int r = from; r < to; r += ROWS) {
        int n = Math.min(ROWS, to - r);
        if (bf16) {
          widenBf16(w.data(), in, bound, r, n, tile);
        } else {
          PackedKernels.q8Widen(w, r, r + n, tile);
        }
        for (int first = start; first < end; first += COLUMNS) {
          fourByFour(
              tile,
              in,
              bound,
              xp,
              first * in,
              Math.min(COLUMNS, end - first),
              n,
              y,
              first * out + r,
              out,
              add,
              lanes);
        }
      }
    }
  }

  /**
   * F32 weights: the same tiles and loop, read in place from the tensor's memory (nothing to widen;
   * the first column group brings a tile's rows into L1, the others find them there).
   */
  private static void f32Rows(
      Matrix w, float[] xp, int cols, float[] y, int out, boolean add, int from, int to) {
    int in = w.cols();
    int chunk = chunkColumns(in, cols);
    float[] lanes = new float[ROWS * COLUMNS * L];
    for (int start = 0; start < cols; start += chunk) {
      int end = Math.min(cols, start + chunk);
      for (int r = from; r < to; r += ROWS) {
        int n = Math.min(ROWS, to - r);
        for (int first = start; first < end; first += COLUMNS) {
          f32FourByFour(
              w.data(),
              in,
              r,
              n,
              xp,
              first * in,
              Math.min(COLUMNS, end - first),
              y,
              first * out + r,
              out,
              add,
              lanes);
        }
      }
    }
  }

  /**
   * Columns per chunk, chunks of equal size whose activations stay in L2 while every row tile
   * passes over them (a multiple of {@link #COLUMNS}, at least {@link #MIN_CHUNK} so the widening
   * stays a small share): a prefill chunk of 512 columns of 4864 entries is 10 MB, which each tile
   * would otherwise stream from L3.
   */
  private static int chunkColumns(int in, int cols) {
    int fit = Math.max(MIN_CHUNK, CHUNK_BYTES / (in * Float.BYTES) / COLUMNS * COLUMNS);
    int chunks = (cols + fit - 1) / fit;
    int even = (cols + chunks - 1) / chunks; // equal chunks: no last one of a few columns
    return (even + COLUMNS - 1) / COLUMNS * COLUMNS;
  }

  private static float[] scratch(int floats) {
    float[] tile = SCRATCH.get();
    if (tile.length < floats) {
      tile = new float[floats];
      SCRATCH.set(tile);
    }
    return tile;
  }

  /**
   * BF16 rows {@code [r, r + n)} as F32, each block of 2·L entries even/odd split (as {@link
   * PackedKernels#prepare} lays out the activations), the tail past {@code bound} in order.
   */
  private static void widenBf16(MemorySegment m, int in, int bound, int r, int n, float[] tile) {
    for (int i = 0; i < n; i++) {
      long b = (long) (r + i) * in * 2;
      int o = i * in;
      for (int k = 0; k < bound; k += 2 * L) {
        IntVector v = IntVector.fromMemorySegment(I, m, b + k * 2L, PackedKernels.ORDER);
        v.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().intoArray(tile, o + k);
        v.and(0xFFFF0000).reinterpretAsFloats().intoArray(tile, o + k + L);
      }
      for (int k = bound; k < in; k++) {
        tile[o + k] = Matrix.bf16ToFloat(m.get(PackedKernels.SHORT, b + k * 2L));
      }
    }
  }

  /**
   * Rows 0..n-1 of {@code wf} (n ≤ 4; the others are ignored) times {@code cols} (≤ 4) columns of
   * {@code x} from {@code xo}, stored at {@code y[yo + c·out + i]}. The sums-and-stores block stays
   * written out: a method taking the accumulators would box them (PackedKernels says the same).
   */
  private static void fourByFour(
      float[] wf,
      int in,
      int bound,
      float[] x,
      int xo,
      int cols,
      int n,
      float[] y,
      int yo,
      int out,
      boolean add,
      float[] lanes) {
    FloatVector a00 = FloatVector.zero(F), a01 = a00, a02 = a00, a03 = a00;
    FloatVector a10 = a00, a11 = a00, a12 = a00, a13 = a00;
    FloatVector a20 = a00, a21 = a00, a22 = a00, a23 = a00;
    FloatVector a30 = a00, a31 = a00, a32 = a00, a33 = a00;
    int x1 = xo + in, x2 = xo + 2 * in, x3 = xo + 3 * in;
    for (int k = 0; k < bound; k += L) {
      FloatVector w0 = FloatVector.fromArray(F, wf, k);
      FloatVector w1 = FloatVector.fromArray(F, wf, in + k);
      FloatVector w2 = FloatVector.fromArray(F, wf, 2 * in + k);
      FloatVector w3 = FloatVector.fromArray(F, wf, 3 * in + k);
      FloatVector xv = FloatVector.fromArray(F, x, xo + k);
      a00 = w0.fma(xv, a00);
      a10 = w1.fma(xv, a10);
      a20 = w2.fma(xv, a20);
      a30 = w3.fma(xv, a30);
      xv = FloatVector.fromArray(F, x, x1 + k);
      a01 = w0.fma(xv, a01);
      a11 = w1.fma(xv, a11);
      a21 = w2.fma(xv, a21);
      a31 = w3.fma(xv, a31);
      xv = FloatVector.fromArray(F, x, x2 + k);
      a02 = w0.fma(xv, a02);
      a12 = w1.fma(xv, a12);
      a22 = w2.fma(xv, a22);
      a32 = w3.fma(xv, a32);
      xv = FloatVector.fromArray(F, x, x3 + k);
      a03 = w0.fma(xv, a03);
      a13 = w1.fma(xv, a13);
      a23 = w2.fma(xv, a23);
      a33 = w3.fma(xv, a33);
    }
    a00.intoArray(lanes, 0);
    a01.intoArray(lanes, L);
    a02.intoArray(lanes, 2 * L);
    a03.intoArray(lanes, 3 * L);
    a10.intoArray(lanes, 4 * L);
    a11.intoArray(lanes, 5 * L);
    a12.intoArray(lanes, 6 * L);
    a13.intoArray(lanes, 7 * L);
    a20.intoArray(lanes, 8 * L);
    a21.intoArray(lanes, 9 * L);
    a22.intoArray(lanes, 10 * L);
    a23.intoArray(lanes, 11 * L);
    a30.intoArray(lanes, 12 * L);
    a31.intoArray(lanes, 13 * L);
    a32.intoArray(lanes, 14 * L);
    a33.intoArray(lanes, 15 * L);
    for (int c = 0; c < cols; c++) {
      int xc = xo + c * in;
      for (int i = 0; i < n; i++) {
        float tail = 0;
        for (int k = bound; k < in; k++) {
          tail += wf[i * in + k] * x[xc + k];
        }
        int at = yo + c * out + i;
        float sum = MatVecKernels.sumLanes(lanes, (i * COLUMNS + c) * L) + tail;
        y[at] = add ? y[at] + sum : sum;
      }
    }
  }

  /**
   * {@link #fourByFour} over F32 rows {@code r .. r+n-1} of {@code m} (rows past n repeat the last,
   * and are ignored), with {@link MatVecKernels#fourColumns}' FMA chains, lane sums and in-order
   * tail, so a column has the bits it has in a product of two to eight columns.
   */
  private static void f32FourByFour(
      MemorySegment m,
      int in,
      int r,
      int n,
      float[] x,
      int xo,
      int cols,
      float[] y,
      int yo,
      int out,
      boolean add,
      float[] lanes) {
    int bound = F.loopBound(in);
    long b0 = (long) r * in * Float.BYTES;
    long b1 = (long) (r + Math.min(1, n - 1)) * in * Float.BYTES;
    long b2 = (long) (r + Math.min(2, n - 1)) * in * Float.BYTES;
    long b3 = (long) (r + Math.min(3, n - 1)) * in * Float.BYTES;
    FloatVector a00 = FloatVector.zero(F), a01 = a00, a02 = a00, a03 = a00;
    FloatVector a10 = a00, a11 = a00, a12 = a00, a13 = a00;
    FloatVector a20 = a00, a21 = a00, a22 = a00, a23 = a00;
    FloatVector a30 = a00, a31 = a00, a32 = a00, a33 = a00;
    int x1 = xo + in, x2 = xo + 2 * in, x3 = xo + 3 * in;
    for (int k = 0; k < bound; k += L) {
      long at = (long) k * Float.BYTES;
      FloatVector w0 = FloatVector.fromMemorySegment(F, m, b0 + at, NATIVE);
      FloatVector w1 = FloatVector.fromMemorySegment(F, m, b1 + at, NATIVE);
      FloatVector w2 = FloatVector.fromMemorySegment(F, m, b2 + at, NATIVE);
      FloatVector w3 = FloatVector.fromMemorySegment(F, m, b3 + at, NATIVE);
      FloatVector xv = FloatVector.fromArray(F, x, xo + k);
      a00 = w0.fma(xv, a00);
      a10 = w1.fma(xv, a10);
      a20 = w2.fma(xv, a20);
      a30 = w3.fma(xv, a30);
      xv = FloatVector.fromArray(F, x, x1 + k);
      a01 = w0.fma(xv, a01);
      a11 = w1.fma(xv, a11);
      a21 = w2.fma(xv, a21);
      a31 = w3.fma(xv, a31);
      xv = FloatVector.fromArray(F, x, x2 + k);
      a02 = w0.fma(xv, a02);
      a12 = w1.fma(xv, a12);
      a22 = w2.fma(xv, a22);
      a32 = w3.fma(xv, a32);
      xv = FloatVector.fromArray(F, x, x3 + k);
      a03 = w0.fma(xv, a03);
      a13 = w1.fma(xv, a13);
      a23 = w2.fma(xv, a23);
      a33 = w3.fma(xv, a33);
    }
    a00.intoArray(lanes, 0);
    a01.intoArray(lanes, L);
    a02.intoArray(lanes, 2 * L);
    a03.intoArray(lanes, 3 * L);
    a10.intoArray(lanes, 4 * L);
    a11.intoArray(lanes, 5 * L);
    a12.intoArray(lanes, 6 * L);
    a13.intoArray(lanes, 7 * L);
    a20.intoArray(lanes, 8 * L);
    a21.intoArray(lanes, 9 * L);
    a22.intoArray(lanes, 10 * L);
    a23.intoArray(lanes, 11 * L);
    a30.intoArray(lanes, 12 * L);
    a31.intoArray(lanes, 13 * L);
    a32.intoArray(lanes, 14 * L);
    a33.intoArray(lanes, 15 * L);
    for (int c = 0; c < cols; c++) {
      int xc = xo + c * in;
      for (int i = 0; i < n; i++) {
        long row = (long) (r + i) * in * Float.BYTES;
        float sum = MatVecKernels.sumLanes(lanes, (i * COLUMNS + c) * L);
        for (int k = bound; k < in; k++) {
          sum += m.get(FLOAT, row + (long) k * Float.BYTES) * x[xc + k];
        }
        int at = yo + c * out + i;
        y[at] = add ? y[at] + sum : sum;
      }
    }
  }
}
