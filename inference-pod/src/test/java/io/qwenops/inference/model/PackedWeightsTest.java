package io.qwenops.inference.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDManager;
import io.qwenops.inference.model.matvec.DecodeMatVec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * BF16 and int8 weights on the Java path (the Vector API kernels, and the native ones where this
 * CPU has them), against the F32 path on the same (widened) weights and against the float64
 * reference, through a wide prefill chunk (every row's logits) and decodes.
 */
class PackedWeightsTest {

  /** Real 0.5B widths (tied 151936 × 896 lm_head, 7 queries per KV head), two layers. */
  private static final Path BF16 =
      TestCheckpoints.get(CheckpointWriter.Spec.of(ModelShape.QWEN25_0_5B.withLayers(2)));

  private static final int[] PROMPT = {
    9707, 11, 1879, 0, 108386, 151644, 872, 198, 3838, 374, 220, 17, 10, 17, 30, 151645, 198,
    151644, 77091, 198, 40, 1079, 264, 1661
  };

  private static double[][] reference;

  /** The float64 reference's logits of every prompt position, computed once (seconds each). */
  private static synchronized double[][] reference() throws Exception {
    if (reference == null) {
      reference = new Float64Reference(BF16).logits(PROMPT);
    }
    return reference;
  }

  @Test
  void bf16WeightsOnTheJavaKernelsGiveTheF32PathsLogitsAndTheReferencesTokens() throws Exception {
    double[][] bf16 = logits(BF16, ComputeSetup.resolve("cpu", "bfloat16"), false);
    double[][] f32 = logits(BF16, ComputeSetup.resolve("cpu", "float32"), false);
    double[][] reference = reference();
    Errors vsF32 = Errors.of(bf16, f32);
    Errors vsReference = Errors.of(bf16, reference);
    // Same bf16 values, F32 accumulation in another order: only rounding noise apart.
    assertThat(vsF32.maxLogit).as("max |logit - F32 path's|").isLessThan(1e-4);
    assertThat(vsReference.maxLogit).as("max |logit - float64 reference|").isLessThan(1e-3);
    assertThat(vsReference.worstLogprob).as("worst chosen-token logprob error").isLessThan(1e-3);
    assertThat(vsReference.agreement).as("greedy agreement with the reference").isEqualTo(1.0);
  }

  @Test
  void bf16OnTheNativeKernelsStaysWithinTheStatedErrorOfTheFloat64Reference() throws Exception {
    assumeNativeKernels();
    double[][] bf16 = logits(BF16, ComputeSetup.resolve("cpu", "bfloat16"), true);
    Errors e = Errors.of(bf16, reference());
    System.out.printf(
        "native BF16 vs float64: max logit %.2e, mean %.2e, worst %.2e chosen-token logprob error,"
            + " greedy %.2f%n",
        e.maxLogit, e.meanLogprob, e.worstLogprob, e.agreement);
    // bf16 activations (8 bits of mantissa) into every product; docs/architecture.md states these.
    assertThat(e.meanLogprob).as("mean chosen-token logprob error").isLessThan(0.01);
    assertThat(e.worstLogprob).as("worst chosen-token logprob error").isLessThan(0.05);
    assertThat(e.agreement).as("greedy agreement with the reference").isGreaterThanOrEqualTo(0.9);
    assertThat(e.maxLogit).as("bf16 activations change the logits at all").isGreaterThan(1e-3);
  }

  @ParameterizedTest(name = "native kernels: {0}")
  @ValueSource(booleans = {false, true})
  void int8WeightsStayWithinTheStatedErrorOfTheFloat64Reference(boolean nativeKernels)
      throws Exception {
    if (nativeKernels) {
      assumeNativeKernels();
    }
    double[][] int8 =
        logits(BF16, ComputeSetup.resolve("cpu", "auto", "int8", "bfloat16"), nativeKernels);
    Errors e = Errors.of(int8, reference());
    System.out.printf(
        "int8 (native %s) vs float64: mean %.2e, worst %.2e chosen-token logprob error, greedy"
            + " %.2f%n",
        nativeKernels, e.meanLogprob, e.worstLogprob, e.agreement);
    // docs/architecture.md states these bounds (0.5B widths, random weights).
    assertThat(e.meanLogprob).as("mean chosen-token logprob error").isLessThan(0.02);
    assertThat(e.worstLogprob).as("worst chosen-token logprob error").isLessThan(0.08);
    assertThat(e.agreement).as("greedy agreement with the reference").isGreaterThanOrEqualTo(0.9);
    assertThat(e.maxLogit).as("int8 changes the logits at all").isGreaterThan(1e-4);
  }

  private static void assumeNativeKernels() {
    String why = DecodeMatVec.whyNotNative(null);
    assumeTrue(why == null, why);
  }

  @Test
  void autoOnCpuKeepsABf16CheckpointInBf16AndAnF32OneInF32() throws Exception {
    ModelConfig config = ModelConfig.load(BF16);
    assertThat(ComputeSetup.resolve("cpu", "auto", null, config.torchDtype()).format())
        .isEqualTo(WeightFormat.BF16);
    assertThat(ComputeSetup.resolve("cpu", "auto", "none", "float32").format())
        .isEqualTo(WeightFormat.TENSORS);
    assertThat(ComputeSetup.resolve("cpu", "float32", null, "bfloat16").format())
        .isEqualTo(WeightFormat.TENSORS);
    try (Qwen2Weights weights =
        WeightLoader.load(BF16, config, ComputeSetup.resolve("cpu", "bfloat16"))) {
      // 2 bytes a weight, no F32 copy: q/k/v + o + gate/up + down per layer, lm_head once.
      long h = 896;
      long perLayer = (896 + 2 * 128) * h + h * 896 + 2 * 4864 * h + h * 4864;
      assertThat(weights.bytesPerToken()).isEqualTo(2 * (2 * perLayer + 151936 * h));
      assertThat(weights.layers()).isEmpty();
    }
  }

  /** Logits of every position: the prompt but its last 4 as one chunk, then 4 single decodes. */
  private static double[][] logits(Path dir, ComputeSetup setup, boolean nativeKernels)
      throws Exception {
    ModelConfig config = ModelConfig.load(dir);
    int prefill = PROMPT.length - 4;
    try (Qwen2Weights weights = WeightLoader.load(dir, config, setup);
        PagedKvCache cache = new PagedKvCache(config, setup, 8, 16);
        NDManager manager = NDManager.newBaseManager(setup.device(), "PyTorch")) {
      DecodeMatVec kernel = DecodeMatVec.forSetup(setup, nativeKernels).orElseThrow();
      assertThat(kernel.usesNativeKernels())
          .isEqualTo(nativeKernels && setup.format() != WeightFormat.TENSORS);
      Qwen2Model model = new Qwen2Model(weights, 64, Optional.of(kernel));
      List<double[]> rows = new ArrayList<>();
      int[] all = new int[prefill];
      Arrays.setAll(all, i -> i);
      rows.addAll(step(model, cache, manager, 0, prefill, all));
      for (int p = prefill; p < PROMPT.length; p++) {
        rows.addAll(step(model, cache, manager, p, p + 1, new int[] {0}));
      }
      return rows.toArray(double[][]::new);
    }
  }

  private static List<double[]> step(
      Qwen2Model model, PagedKvCache cache, NDManager manager, int from, int to, int[] logitRows) {
    int n = to - from;
    long[] context = new long[to];
    Arrays.setAll(context, p -> 100 + p); // slots 100.. (blocks 6 and 7), contiguous
    ForwardBatch batch =
        new ForwardBatch(
            Arrays.copyOfRange(PROMPT, from, to),
            java.util.stream.IntStream.range(from, to).toArray(),
            Arrays.copyOfRange(context, from, to),
            List.of(new ForwardBatch.Chunk(0, n, context)),
            logitRows);
    try (NDManager step = manager.newSubManager()) {
      float[] f = model.forward(batch, cache, step).toFloatArray();
      int vocab = f.length / logitRows.length;
      List<double[]> out = new ArrayList<>();
      for (int r = 0; r < logitRows.length; r++) {
        double[] row = new double[vocab];
        for (int v = 0; v < vocab; v++) {
          row[v] = f[r * vocab + v];
        }
        out.add(row);
      }
      return out;
    }
  }

  /** Differences of {@code got} from {@code want}, the chosen token being want's argmax. */
  private record Errors(
      double maxLogit, double meanLogprob, double worstLogprob, double agreement) {
    static Errors of(double[][] got, double[][] want) {
      double maxLogit = 0;
      double sum = 0;
      double worst = 0;
      int agree = 0;
      for (int p = 0; p < want.length; p++) {
        for (int v = 0; v < want[p].length; v++) {
          maxLogit = Math.max(maxLogit, Math.abs(got[p][v] - want[p][v]));
        }
        int chosen = Float64Reference.argmax(want[p]);
        double error = Math.abs(logprob(got[p], chosen) - logprob(want[p], chosen));
        sum += error;
        worst = Math.max(worst, error);
        agree += Float64Reference.argmax(got[p]) == chosen ? 1 : 0;
      }
      return new Errors(maxLogit, sum / want.length, worst, (double) agree / want.length);
    }

    private static double logprob(double[] logits, int token) {
      double max = Arrays.stream(logits).max().orElseThrow();
      double sum = 0;
      for (double l : logits) {
        sum += Math.exp(l - max);
      }
      return logits[token] - max - Math.log(sum);
    }
  }
}
