package io.qwenops.inference.model.matvec;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The arithmetic order of a row's dot product is frozen: batched and one-at-a-time decode (and the
 * wide kernels written against that order) agree only if every narrow kernel gives the very floats
 * the kernels before the register lane sums gave. {@link LegacyNarrowKernels} is that code, kept
 * verbatim; here today's {@link DecodeMatVec} must match it bit for bit, with and without a bias
 * added, at every narrow width.
 */
class NarrowKernelsMatchLegacyTest {

  private static final DecodeMatVec KERNEL = KernelFixtures.kernel();

  /** Odd row counts (the last two- or four-row block repeats a row), tails past the vectors. */
  @ParameterizedTest
  @CsvSource({
    "F32, 67, 100",
    "F32, 1031, 896",
    "F32, 130, 4864",
    "BF16, 67, 100",
    "BF16, 1031, 896",
    "BF16, 130, 4864",
    "Q8, 67, 96",
    "Q8, 1031, 896",
    "Q8, 130, 4864"
  })
  void everyNarrowWidthGivesTheLegacyKernelsBits(Matrix.Encoding encoding, int rows, int cols) {
    SplittableRandom random = new SplittableRandom(rows * 7919L + cols + encoding.ordinal());
    try (Arena arena = Arena.ofShared()) {
      Matrix w = filled(encoding, rows, cols, arena, random);
      float[] x = new float[8 * cols];
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) random.nextGaussian();
      }
      float[] bias = new float[rows];
      for (int r = 0; r < rows; r++) {
        bias[r] = (float) random.nextGaussian();
      }
      int widest = encoding == Matrix.Encoding.Q8 ? 4 : 8; // wider Q8 is the wide path's
      for (int width = 1; width <= widest; width++) {
        float[] expected = LegacyNarrowKernels.multiply(RowSplitter.shared(), w, x, width);
        assertThat(KERNEL.multiply(w, x, width, null))
            .as("%d columns", width)
            .containsExactly(expected);
        float[] withBias = new float[expected.length];
        for (int i = 0; i < expected.length; i++) {
          withBias[i] = bias[i % rows] + expected[i];
        }
        assertThat(KERNEL.multiply(w, x, width, bias))
            .as("%d columns plus a bias", width)
            .containsExactly(withBias);
      }
    }
  }

  /**
   * Every row range a thread may be handed, at 1–4 columns, added to a random y: the Q8 kernels
   * pair rows from the quarters/halves of the range, so short and odd ranges repeat a row for the
   * missing ones, which must be computed but neither stored nor added twice, nor may any row
   * outside the range be touched.
   */
  @ParameterizedTest
  @CsvSource({"BF16, 100", "Q8, 96", "Q8, 896"})
  void everyRowRangeGivesTheLegacyKernelsBits(Matrix.Encoding encoding, int cols) {
    int rows = 21;
    SplittableRandom random = new SplittableRandom(cols * 31L + encoding.ordinal());
    try (Arena arena = Arena.ofShared()) {
      Matrix w = filled(encoding, rows, cols, arena, random);
      float[] x = KernelFixtures.gaussian(4 * cols, random);
      float[] y0 = KernelFixtures.gaussian(4 * rows, random);
      for (int width = 1; width <= 4; width++) {
        float[] xp = PackedKernels.prepare(w, x, width);
        for (int from = 0; from < 5; from++) {
          for (int to = from + 1; to <= rows; to++) {
            float[] expected = y0.clone();
            LegacyNarrowKernels.packedRows(w, xp, 0, width, expected, 0, rows, true, from, to);
            float[] actual = y0.clone();
            PackedKernels.rows(w, xp, 0, width, actual, 0, rows, true, from, to);
            assertThat(actual)
                .as("%d columns, rows [%d, %d)", width, from, to)
                .containsExactly(expected);
          }
        }
      }
    }
  }

  /**
   * The F32 one-column kernel pairs row i with row i + half of its range, so every range a thread
   * may be handed (short, odd: the missing row repeated, neither stored nor added) must give the
   * one-row kernel's bits, added to a random y, without touching a row outside it.
   */
  @ParameterizedTest
  @CsvSource({"100", "896"})
  void everyRowRangeOfOneF32ColumnGivesTheLegacyKernelsBits(int cols) {
    int rows = 21;
    SplittableRandom random = new SplittableRandom(cols * 131L);
    try (Arena arena = Arena.ofShared()) {
      Matrix w = filled(Matrix.Encoding.F32, rows, cols, arena, random);
      float[] x = KernelFixtures.gaussian(cols, random);
      float[] y0 = KernelFixtures.gaussian(rows, random);
      for (int from = 0; from < 5; from++) {
        for (int to = from + 1; to <= rows; to++) {
          float[] expected = y0.clone();
          LegacyNarrowKernels.oneColumn(w.data(), cols, x, 0, expected, 0, true, from, to);
          float[] actual = y0.clone();
          MatVecKernels.oneColumn(w.data(), cols, x, 0, actual, 0, true, from, to);
          assertThat(actual).as("rows [%d, %d)", from, to).containsExactly(expected);
        }
      }
    }
  }

  private static Matrix filled(
      Matrix.Encoding encoding, int rows, int cols, Arena arena, SplittableRandom random) {
    Matrix w =
        encoding == Matrix.Encoding.F32
            ? Matrix.f32(arena.allocate((long) rows * cols * Float.BYTES, 64), rows, cols)
            : Matrix.allocate(encoding, rows, cols, arena);
    float[] row = new float[cols];
    for (int r = 0; r < rows; r++) {
      for (int k = 0; k < cols; k++) {
        row[k] = (float) random.nextGaussian() * 0.05f;
      }
      if (encoding == Matrix.Encoding.F32) {
        MemorySegment.copy(row, 0, w.data(), ValueLayout.JAVA_FLOAT, (long) r * cols * 4, cols);
      } else {
        w.setRow(r, row, 0);
      }
    }
    return w;
  }
}
