package io.qwenops.inference.model.matvec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The AVX512-BF16/VNNI kernels against a float64 product over the stored weights and the rounded
 * (BF16) or quantised (Q8) activations, and the promise batching rests on: a column's result has
 * the same bits whatever else shares the call and however the rows are split between threads.
 * Skipped where the CPU lacks the instructions (the Java kernels then serve BF16/Q8).
 */
class NativeKernelsTest {

  private static NativeKernels kernels;
  private static DecodeMatVec shared;
  private static DecodeMatVec oneThread;

  @BeforeAll
  static void load() {
    NativeKernels.Availability a = NativeKernels.availability();
    assumeTrue(a.kernels() != null, a.whyNot());
    kernels = a.kernels();
    KernelFixtures.kernel(); // loads PyTorch's JNI, which DecodeMatVec asks for its threads
    shared = new DecodeMatVec(RowSplitter.shared(), kernels);
    oneThread = new DecodeMatVec(new RowSplitter(0), kernels);
  }

  /** 67 rows (no multiple of 4 or 8); a BF16 tail of 4 entries; a Q8 row of 3 groups; 0.5B's. */
  @ParameterizedTest
  @CsvSource({
    "BF16, 67, 100",
    "BF16, 1031, 896",
    "BF16, 896, 4864",
    "Q8, 67, 96",
    "Q8, 1031, 896",
    "Q8, 896, 4864"
  })
  void everyWidthAndRowSplitGivesEachColumnsBitsWithinRoundingOfFloat64(
      Matrix.Encoding encoding, int rows, int in) {
    SplittableRandom random = new SplittableRandom(rows * 31L + in);
    try (Arena arena = Arena.ofShared()) { // the kernel's helper threads read it
      Matrix w = KernelFixtures.randomMatrix(encoding, rows, in, random, arena);
      int widest = 21;
      float[] x = KernelFixtures.gaussian(widest * in, random);
      float[] wide = shared.multiply(w, x, widest, null);
      for (int width : new int[] {1, 2, 3, 4, 5, 8, 16}) {
        float[] narrow = shared.multiply(w, x, width, null);
        assertThat(narrow)
            .as("%d columns", width)
            .containsExactly(Arrays.copyOf(wide, width * rows));
      }
      assertThat(oneThread.multiply(w, x, widest, null)).as("one thread").containsExactly(wide);
      assertThat(oneThread.multiply(w, x, 1, null))
          .as("one column, one thread")
          .containsExactly(Arrays.copyOf(wide, rows));
      float[] rounded = asTheKernelReadsThem(encoding, x);
      double worst = KernelFixtures.worstRelativeError(w, rounded, widest, wide);
      // Exact products of stored weights and rounded activations, F32 accumulation.
      assertThat(worst).as("worst error relative to Σ|w·x|").isLessThan(1e-6);
      double unrounded = KernelFixtures.worstRelativeError(w, x, widest, wide);
      assertThat(unrounded).as("the activations are rounded at all").isGreaterThan(1e-5);
    }
  }

  @Test
  void multiplyAddAddsEachProductOntoTheResidual() {
    SplittableRandom random = new SplittableRandom(7);
    try (Arena arena = Arena.ofShared()) {
      for (Matrix.Encoding encoding :
          new Matrix.Encoding[] {Matrix.Encoding.BF16, Matrix.Encoding.Q8}) {
        Matrix w = KernelFixtures.randomMatrix(encoding, 130, 256, random, arena);
        for (int cols : new int[] {1, 6}) {
          float[] x = KernelFixtures.gaussian(cols * 256, random);
          float[] residual = KernelFixtures.gaussian(cols * 130, random);
          float[] product = shared.multiply(w, x, cols, null);
          float[] y = residual.clone();
          shared.multiplyAdd(w, x, cols, y);
          for (int i = 0; i < y.length; i++) {
            assertThat(y[i]).as("%s entry %d", encoding, i).isEqualTo(residual[i] + product[i]);
          }
        }
      }
    }
  }

  @Test
  void bf16ActivationsRoundToNearestEvenAsPyTorchDoes() {
    float[] x = KernelFixtures.gaussian(1000, new SplittableRandom(3));
    // Exact ties: 1 + 2^-8 rounds down to 1 (even), 1 + 3·2^-8 up to 1 + 2^-6.
    x[0] = 1f + 0x1p-8f;
    x[1] = 1f + 3 * 0x1p-8f;
    x[2] = -0f;
    short[] bf16 = kernels.bf16(x, 999);
    assertThat(bf16).hasSize(999);
    for (int i = 0; i < 999; i++) {
      assertThat(bf16[i]).as("entry %d (%s)", i, x[i]).isEqualTo(Matrix.floatToBf16(x[i]));
    }
    assertThat(Matrix.bf16ToFloat(bf16[0])).isEqualTo(1f);
    assertThat(Matrix.bf16ToFloat(bf16[1])).isEqualTo(1f + 0x1p-6f);
  }

  @Test
  void q8ActivationsTakeOneScalePerGroupOfThirtyTwo() {
    float[] x = KernelFixtures.gaussian(96, new SplittableRandom(5));
    Arrays.fill(x, 32, 64, 0f); // an all-zero group: scale 0, values 0
    x[70] = -10f; // the third group's largest magnitude
    NativeKernels.Q8Activations q = kernels.q8(x, 96);
    assertThat(q.scales()[1]).isZero();
    assertThat(q.scales()[2]).isEqualTo(10f / 127f);
    assertThat(q.values()[70]).isEqualTo((byte) -127);
    for (int k = 0; k < 96; k++) {
      float dequantised = q.values()[k] * q.scales()[k / 32];
      assertThat(Math.abs(dequantised - x[k]))
          .as("entry %d", k)
          .isLessThanOrEqualTo(q.scales()[k / 32] / 2 + 1e-6f);
    }
  }

  /** The activations as the kernel multiplies them: bf16-rounded or dequantised int8. */
  private static float[] asTheKernelReadsThem(Matrix.Encoding encoding, float[] x) {
    float[] out = new float[x.length];
    if (encoding == Matrix.Encoding.BF16) {
      short[] bf16 = kernels.bf16(x, x.length);
      for (int i = 0; i < x.length; i++) {
        out[i] = Matrix.bf16ToFloat(bf16[i]);
      }
    } else {
      NativeKernels.Q8Activations q = kernels.q8(x, x.length);
      for (int i = 0; i < x.length; i++) {
        out[i] = q.values()[i] * q.scales()[i / Matrix.Q8_GROUP];
      }
    }
    return out;
  }
}
