package io.qwenops.inference.model.matvec;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API inner loops of {@link DecodeMatVec}: dot products of weight rows, read straight
 * from the tensor's memory, with one to four activation columns held in Java arrays. Only this
 * class touches {@code jdk.incubator.vector}, so nothing else fails to load when the module is
 * absent.
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
   * {@code y[r] = W[r, :] · x} for rows {@code from..to-1}: four independent accumulators keep the
   * FMA pipeline and the memory system busy on one stream.
   */
  static void oneColumn(MemorySegment w, int in, float[] x, MemorySegment y, int from, int to) {
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
        a0 = load(w, row, k).fma(FloatVector.fromArray(SPECIES, x, k), a0);
        a1 = load(w, row, k + LANES).fma(FloatVector.fromArray(SPECIES, x, k + LANES), a1);
        a2 = load(w, row, k + 2 * LANES).fma(FloatVector.fromArray(SPECIES, x, k + 2 * LANES), a2);
        a3 = load(w, row, k + 3 * LANES).fma(FloatVector.fromArray(SPECIES, x, k + 3 * LANES), a3);
      }
      for (; k < bound; k += LANES) {
        a0 = load(w, row, k).fma(FloatVector.fromArray(SPECIES, x, k), a0);
      }
      float sum = a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
      for (; k < in; k++) {
        sum += w.get(FLOAT, row + (long) k * Float.BYTES) * x[k];
      }
      y.setAtIndex(FLOAT, r, sum);
    }
  }

  /**
   * {@code y[r, c] = W[r, :] · x[c]} for up to four columns: {@code x} is [4][in] row-major (unused
   * columns zero), {@code y} is [rows, cols]. Each weight vector is loaded once for all columns.
   */
  static void fourColumns(
      MemorySegment w, int in, float[] x, int cols, MemorySegment y, int from, int to) {
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
        a0 = wv.fma(FloatVector.fromArray(SPECIES, x, k), a0);
        a1 = wv.fma(FloatVector.fromArray(SPECIES, x, in + k), a1);
        a2 = wv.fma(FloatVector.fromArray(SPECIES, x, 2 * in + k), a2);
        a3 = wv.fma(FloatVector.fromArray(SPECIES, x, 3 * in + k), a3);
      }
      float s0 = a0.reduceLanes(VectorOperators.ADD);
      float s1 = a1.reduceLanes(VectorOperators.ADD);
      float s2 = a2.reduceLanes(VectorOperators.ADD);
      float s3 = a3.reduceLanes(VectorOperators.ADD);
      for (; k < in; k++) {
        float wk = w.get(FLOAT, row + (long) k * Float.BYTES);
        s0 += wk * x[k];
        s1 += wk * x[in + k];
        s2 += wk * x[2 * in + k];
        s3 += wk * x[3 * in + k];
      }
      long out = (long) r * cols;
      y.setAtIndex(FLOAT, out, s0);
      if (cols > 1) {
        y.setAtIndex(FLOAT, out + 1, s1);
      }
      if (cols > 2) {
        y.setAtIndex(FLOAT, out + 2, s2);
      }
      if (cols > 3) {
        y.setAtIndex(FLOAT, out + 3, s3);
      }
    }
  }

  private static FloatVector load(MemorySegment w, long row, int k) {
    return FloatVector.fromMemorySegment(SPECIES, w, row + (long) k * Float.BYTES, ORDER);
  }
}
