package io.qwenops.inference.model.matvec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The AVX512-BF16 kernels against a float64 product over the weights and activations as they
 * multiply them (bf16-rounded activations; Q8 entries dequantised to bf16), and the promise
 * batching rests on: a column's result has the same bits whatever else shares the call and however
 * the rows are split between threads. Skipped where the CPU lacks the instructions (the Java
 * kernels then serve BF16/Q8).
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
      float[] rounded = bf16(x);
      double worst = worstRelativeError(asTheKernelReadsThem(w), rounded, widest, wide);
      // Exact products of bf16 values, F32 accumulation.
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
  void aLibraryInsideAJarIsCopiedOutToAFileItCanLoad(@TempDir Path dir) throws Exception {
    Path library = Path.of(NativeKernels.class.getResource(NativeKernels.RESOURCE).toURI());
    Path jar = dir.resolve("inference-pod.jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      out.putNextEntry(new JarEntry(NativeKernels.RESOURCE.substring(1)));
      out.write(Files.readAllBytes(library));
    }
    URL inJar = new URL("jar:" + jar.toUri() + "!" + NativeKernels.RESOURCE);
    Path copy = NativeKernels.libraryFile(inJar);
    assertThat(copy).hasSameBinaryContentAs(library);
    assertThat(SymbolLookup.libraryLookup(copy, Arena.global()).find("qk_q8_rows")).isPresent();
  }

  private static float[] bf16(float[] x) {
    short[] bits = kernels.bf16(x, x.length);
    float[] out = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = Matrix.bf16ToFloat(bits[i]);
    }
    return out;
  }

  /** The weights as the kernel multiplies them: bf16 as stored, or Q8 entry × scale in bf16. */
  private static float[][] asTheKernelReadsThem(Matrix w) {
    float[][] rows = new float[w.rows()][w.cols()];
    for (int r = 0; r < w.rows(); r++) {
      w.copyRow(r, rows[r], 0);
      for (int k = 0; k < w.cols(); k++) {
        rows[r][k] = Matrix.bf16ToFloat(Matrix.floatToBf16(rows[r][k]));
      }
    }
    return rows;
  }

  /** As {@link KernelFixtures#worstRelativeError}, over the given weights. */
  private static double worstRelativeError(float[][] w, float[] x, int cols, float[] y) {
    int in = w[0].length;
    double worst = 0;
    for (int r = 0; r < w.length; r++) {
      for (int c = 0; c < cols; c++) {
        double exact = 0;
        double magnitude = 0;
        for (int k = 0; k < in; k++) {
          exact += (double) w[r][k] * x[c * in + k];
          magnitude += Math.abs((double) w[r][k] * x[c * in + k]);
        }
        worst = Math.max(worst, Math.abs(y[c * w.length + r] - exact) / magnitude);
      }
    }
    return worst;
  }
}
