package io.qwenops.inference.model.matvec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The BF16 and Q8 kernels against a float64 product over the same stored weights, at batch widths
 * from 1 to 21 columns, and the promise that makes batching safe: a column's result has the same
 * bits whatever else shares the call.
 */
class PackedMatVecTest {

  private static final DecodeMatVec KERNEL = KernelFixtures.kernel();

  /** 67 rows (not a multiple of 2 or 4), 100 and 4864 columns (a BF16 tail; 0.5B's down_proj). */
  @ParameterizedTest
  @CsvSource({
    "BF16, 67, 100",
    "BF16, 1031, 896",
    "BF16, 896, 4864",
    "Q8, 67, 96",
    "Q8, 1031, 896",
    "Q8, 896, 4864"
  })
  void everyWidthMatchesFloat64AndEachColumnIsBitIdenticalToItsAloneResult(
      Matrix.Encoding encoding, int rows, int cols) {
    SplittableRandom random = new SplittableRandom(rows * 31L + cols);
    try (Arena arena = Arena.ofShared()) { // the kernel's helper threads read it
      Matrix w = Matrix.allocate(encoding, rows, cols, arena);
      float[] row = new float[cols];
      for (int r = 0; r < rows; r++) {
        for (int k = 0; k < cols; k++) {
          row[k] = (float) random.nextGaussian() * 0.05f;
        }
        w.setRow(r, row, 0);
      }
      int widest = 21;
      float[] x = new float[widest * cols];
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) random.nextGaussian();
      }
      float[] wide = KERNEL.multiply(w, x, widest, null);
      for (int width : new int[] {1, 2, 3, 5, 8, 16}) {
        float[] narrow = KERNEL.multiply(w, x, width, null);
        assertThat(narrow).containsExactly(Arrays.copyOf(wide, width * rows));
      }
      double worst = KernelFixtures.worstRelativeError(w, x, widest, wide);
      // F32 accumulation of products of exactly stored weights: rounding error only.
      assertThat(worst).as("worst error relative to Σ|w·x|").isLessThan(1e-6);
    }
  }

  @Test
  void multiplyAddAddsToTheResidualAndBiasIsAdded() {
    try (Arena arena = Arena.ofConfined()) {
      Matrix w = Matrix.allocate(Matrix.Encoding.BF16, 3, 64, arena);
      float[] ones = new float[64];
      Arrays.fill(ones, 1f);
      for (int r = 0; r < 3; r++) {
        w.setRow(r, ones, 0);
      }
      float[] x = new float[2 * 64];
      Arrays.fill(x, 0.5f);
      assertThat(KERNEL.multiply(w, x, 2, new float[] {1, 2, 3}))
          .containsExactly(33, 34, 35, 33, 34, 35);
      float[] y = {1, 1, 1, 2, 2, 2};
      KERNEL.multiplyAdd(w, x, 2, y);
      assertThat(y).containsExactly(33, 33, 33, 34, 34, 34);
    }
  }

  @Test
  void softmaxAndSiluExpIsAccurateAndTheSameBitsInVectorAndScalarForm() {
    float[] xs = new float[4096];
    for (int i = 0; i < xs.length; i++) {
      xs[i] = -87f + 175f * i / xs.length;
    }
    int lanes = MatVecKernels.lanes();
    float[] vector = new float[xs.length];
    for (int i = 0; i < xs.length; i += lanes) {
      MatVecKernels.exp(
              jdk.incubator.vector.FloatVector.fromArray(
                  jdk.incubator.vector.FloatVector.SPECIES_PREFERRED, xs, i))
          .intoArray(vector, i);
    }
    double worst = 0;
    for (int i = 0; i < xs.length; i++) {
      float scalar = MatVecKernels.exp(xs[i]);
      assertThat(Float.floatToRawIntBits(vector[i])).isEqualTo(Float.floatToRawIntBits(scalar));
      worst = Math.max(worst, Math.abs(scalar / Math.exp(xs[i]) - 1));
    }
    assertThat(worst).as("worst relative error of e^x").isLessThan(3e-7);
  }

  @Test
  void bf16RoundsToNearestEvenAndWidensExactly() {
    assertThat(Matrix.floatToBf16(1f)).isEqualTo((short) 0x3F80);
    // 1 + 2^-8 lies halfway between bf16 1 and 1 + 2^-7: ties go to the even mantissa (1).
    assertThat(Matrix.floatToBf16(1f + 0x1p-8f)).isEqualTo((short) 0x3F80);
    assertThat(Matrix.floatToBf16(1f + 0x1p-8f + 0x1p-12f)).isEqualTo((short) 0x3F81);
    assertThat(Matrix.floatToBf16(1f + 3 * 0x1p-8f)).isEqualTo((short) 0x3F82);
    assertThat(Matrix.bf16ToFloat((short) 0xC0A0)).isEqualTo(-5f);
    assertThat(Float.isNaN(Matrix.bf16ToFloat(Matrix.floatToBf16(Float.NaN)))).isTrue();
  }

  @Test
  void q8KeepsEachEntryWithinHalfAStepOfItsGroupsScale() {
    try (Arena arena = Arena.ofConfined()) {
      Matrix w = Matrix.allocate(Matrix.Encoding.Q8, 1, 64, arena);
      float[] row = new float[64];
      for (int k = 0; k < 64; k++) {
        row[k] = k < 32 ? (k - 16) * 0.01f : (k - 48) * 3f; // two groups, very different scales
      }
      w.setRow(0, row, 0);
      float[] back = new float[64];
      w.copyRow(0, back, 0);
      for (int k = 0; k < 64; k++) {
        float step = (k < 32 ? 0.16f : 48f) / 127f;
        assertThat(Math.abs(back[k] - row[k]))
            .as("entry %d", k)
            .isLessThanOrEqualTo(step / 2 * 1.0001f);
      }
      assertThat(back[0]).isEqualTo(-0.16f, org.assertj.core.data.Offset.offset(1e-7f));
      assertThatThrownBy(() -> Matrix.allocate(Matrix.Encoding.Q8, 2, 48, arena))
          .hasMessageContaining("multiple of 32");
    }
  }
}
