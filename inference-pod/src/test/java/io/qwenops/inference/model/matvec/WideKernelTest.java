package io.qwenops.inference.model.matvec;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The wide kernel (BF16/Q8 products of many columns) against a float64 product over the same stored
 * weights, and bit for bit against the one-column kernel: a sequence's logits must not depend on
 * how many others share its step.
 */
class WideKernelTest {

  private static final DecodeMatVec KERNEL = KernelFixtures.kernel();

  /**
   * Ragged shapes: 67 and 1031 rows (not a multiple of the four-row tile), 21, 45 and 70 columns
   * (not a multiple of four; 45 and 70 of 4880 or 4864 entries take two and three column chunks),
   * 100 and 4880 entries (a BF16 tail past the last 32-entry block).
   */
  @ParameterizedTest
  @CsvSource({
    "BF16, 67, 100, 21",
    "BF16, 1031, 896, 64",
    "BF16, 67, 4880, 45",
    "Q8, 67, 96, 21",
    "Q8, 1031, 896, 64",
    "Q8, 67, 4864, 70"
  })
  void matchesFloat64AndEachColumnHasTheBitsOfItsOneColumnProduct(
      Matrix.Encoding encoding, int rows, int in, int cols) {
    SplittableRandom random = new SplittableRandom(rows * 31L + in);
    try (Arena arena = Arena.ofShared()) { // the kernel's helper threads read it
      Matrix w = KernelFixtures.randomMatrix(encoding, rows, in, random, arena);
      float[] x = KernelFixtures.gaussian(cols * in, random);
      float[] wide = wide(w, x, cols, new float[cols * rows], false);
      // The dispatch (passes of four columns below the wide cut) gives the same bits.
      assertThat(KERNEL.multiply(w, x, cols, null)).containsExactly(wide);
      for (int c = 0; c < cols; c++) {
        float[] alone = KERNEL.multiply(w, Arrays.copyOfRange(x, c * in, (c + 1) * in), 1, null);
        assertThat(Arrays.copyOfRange(wide, c * rows, (c + 1) * rows))
            .as("column %d", c)
            .containsExactly(alone);
      }
      double worst = KernelFixtures.worstRelativeError(w, x, cols, wide);
      // F32 accumulation of products of exactly stored weights: rounding error only.
      assertThat(worst).as("worst error relative to Σ|w·x|").isLessThan(1e-6);
    }
  }

  @Test
  void wideProductsAddTheBiasAndAddToTheResidualLikeNarrowOnes() {
    SplittableRandom random = new SplittableRandom(7);
    int rows = 37;
    int in = 128;
    int cols = 20;
    try (Arena arena = Arena.ofShared()) {
      for (Matrix.Encoding encoding :
          new Matrix.Encoding[] {Matrix.Encoding.BF16, Matrix.Encoding.Q8}) {
        Matrix w = KernelFixtures.randomMatrix(encoding, rows, in, random, arena);
        float[] x = KernelFixtures.gaussian(cols * in, random);
        float[] bias = KernelFixtures.gaussian(rows, random);
        float[] residual = KernelFixtures.gaussian(cols * rows, random);
        float[] plain = wide(w, x, cols, new float[cols * rows], false);
        float[] biased = new float[cols * rows];
        for (int c = 0; c < cols; c++) {
          System.arraycopy(bias, 0, biased, c * rows, rows);
        }
        wide(w, x, cols, biased, true);
        float[] added = wide(w, x, cols, residual.clone(), true);
        for (int c = 0; c < cols; c++) {
          for (int r = 0; r < rows; r++) {
            int i = c * rows + r;
            assertThat(biased[i]).as("%s biased %d", encoding, i).isEqualTo(bias[r] + plain[i]);
            assertThat(added[i]).as("%s added %d", encoding, i).isEqualTo(residual[i] + plain[i]);
          }
        }
      }
    }
  }

  /**
   * F32 products of five or more columns (WideKernel reading the weight in place): each column has
   * the bits it gets in a narrow product of two columns, bias and residual included, on ragged
   * shapes (67 and 1031 rows, not a multiple of the tile; 100 entries, a tail past the last vector;
   * 5, 9, 21 and 70 columns, 70 of 4864 entries in three chunks).
   */
  @ParameterizedTest
  @CsvSource({
    "67, 100, 5",
    "203, 896, 8",
    "67, 100, 9",
    "1031, 896, 21",
    "67, 4864, 70",
    "203, 896, 32"
  })
  void f32ColumnsHaveTheBitsOfTheNarrowKernel(int rows, int in, int cols) {
    SplittableRandom random = new SplittableRandom(rows * 17L + in);
    try (Arena arena = Arena.ofShared()) {
      Matrix w = KernelFixtures.randomMatrix(Matrix.Encoding.F32, rows, in, random, arena);
      assertThat(DecodeMatVec.takesWide(Matrix.Encoding.F32, cols)).isTrue();
      float[] x = KernelFixtures.gaussian(Math.max(cols, DecodeMatVec.MAX_COLUMNS) * in, random);
      float[] bias = KernelFixtures.gaussian(rows, random);
      float[] residual = KernelFixtures.gaussian(cols * rows, random);
      float[] wide = KERNEL.multiply(w, x, cols, null);
      float[] biased = KERNEL.multiply(w, x, cols, bias);
      float[] added = residual.clone();
      KERNEL.multiplyAdd(w, x, cols, added);
      for (int c = 0; c < cols; c++) {
        // Column c beside column 0 (any other would do): the four-column kernel's chains.
        float[] pair = new float[DecodeMatVec.MAX_COLUMNS * in];
        System.arraycopy(x, c * in, pair, 0, in);
        System.arraycopy(x, 0, pair, in, in);
        float[] narrow = Arrays.copyOf(KERNEL.multiply(w, pair, 2, null), rows);
        float[] narrowBiased = Arrays.copyOf(KERNEL.multiply(w, pair, 2, bias), rows);
        float[] narrowAdded = Arrays.copyOfRange(residual, c * rows, (c + 1) * rows);
        float[] full = new float[2 * rows];
        System.arraycopy(narrowAdded, 0, full, 0, rows);
        KERNEL.multiplyAdd(w, pair, 2, full);
        assertThat(Arrays.copyOfRange(wide, c * rows, (c + 1) * rows))
            .as("column %d", c)
            .containsExactly(narrow);
        assertThat(Arrays.copyOfRange(biased, c * rows, (c + 1) * rows))
            .as("biased column %d", c)
            .containsExactly(narrowBiased);
        assertThat(Arrays.copyOfRange(added, c * rows, (c + 1) * rows))
            .as("added column %d", c)
            .containsExactly(Arrays.copyOf(full, rows));
      }
      assertThat(KernelFixtures.worstRelativeError(w, x, cols, wide))
          .as("worst error relative to Σ|w·x|")
          .isLessThan(1e-6);
    }
  }

  /**
   * {@link WideKernel} itself on every core, whatever the dispatch ({@link DecodeMatVec#takesWide})
   * would pick for this shape: {@code y} (+)= W · x, returned.
   */
  private static float[] wide(Matrix w, float[] x, int cols, float[] y, boolean add) {
    float[] xp = PackedKernels.prepare(w, x, cols);
    int out = w.rows();
    RowSplitter.shared()
        .run(out, (from, to) -> WideKernel.rows(w, xp, cols, y, out, add, from, to));
    return y;
  }
}
