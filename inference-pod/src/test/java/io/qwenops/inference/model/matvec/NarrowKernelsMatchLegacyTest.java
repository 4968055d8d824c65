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
