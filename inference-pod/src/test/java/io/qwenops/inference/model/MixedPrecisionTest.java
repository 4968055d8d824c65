package io.qwenops.inference.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The CUDA precision recipe (F16 weights, matmuls and KV cache; F32 norms, softmax and residual),
 * exercised on the CPU: it must track the F32 forward pass closely.
 */
class MixedPrecisionTest {

  @Test
  void f16WeightsWithF32NormsTrackTheF32Logits() throws Exception {
    Path dir = TestCheckpoints.tiny();
    float[] f32 = logits(dir, "float32");
    float[] f16 = logits(dir, "float16");
    double worst = 0;
    for (int i = 0; i < f32.length; i++) {
      worst = Math.max(worst, Math.abs(f32[i] - f16[i]));
    }
    assertThat(worst).isLessThan(0.05);
    assertThat(argmax(f16)).isEqualTo(argmax(f32));
  }

  @Test
  void deviceAndDtypeChoices() {
    assertThat(ComputeSetup.resolve("cpu", "auto").weightType()).isEqualTo(DataType.FLOAT32);
    assertThat(ComputeSetup.resolve("cpu", "float16").mixed()).isTrue();
    // No GPU here: auto falls back to the CPU, and asking for CUDA explains what is missing.
    assertThat(ComputeSetup.resolve("auto", "auto").device().isGpu()).isFalse();
    assertThatThrownBy(() -> ComputeSetup.resolve("cuda:0", "auto")).hasMessageContaining("GPU");
    assertThatThrownBy(() -> ComputeSetup.resolve("tpu", "auto")).hasMessageContaining("cuda:N");
    assertThat(ComputeSetup.resolve("cpu", "bfloat16").format()).isEqualTo(WeightFormat.BF16);
    assertThat(ComputeSetup.resolve("cpu", "bfloat16").weightType()).isEqualTo(DataType.FLOAT32);
    assertThat(ComputeSetup.resolve("cpu", "float32", "int8", "float32").format())
        .isEqualTo(WeightFormat.INT8);
    assertThatThrownBy(() -> ComputeSetup.resolve("cpu", "auto", "int4", "float32"))
        .hasMessageContaining("use none or int8");
    assertThatThrownBy(() -> ComputeSetup.resolve("cpu", "float8")).hasMessageContaining("float8");
  }

  private static float[] logits(Path dir, String dtype) throws Exception {
    ModelConfig config = ModelConfig.load(dir);
    ComputeSetup setup = ComputeSetup.resolve("cpu", dtype);
    int[] prompt = {151644, 872, 198, 9707, 11, 1879, 0};
    int n = prompt.length;
    long[] slots = new long[n];
    int[] positions = new int[n];
    for (int i = 0; i < n; i++) {
      slots[i] = i;
      positions[i] = i;
    }
    try (Qwen2Weights weights = WeightLoader.load(dir, config, setup);
        PagedKvCache cache = new PagedKvCache(config, setup, 1, 16);
        NDManager manager = NDManager.newBaseManager(setup.device(), "PyTorch")) {
      Qwen2Model model = new Qwen2Model(weights, 16);
      ForwardBatch prefill =
          new ForwardBatch(
              java.util.Arrays.copyOf(prompt, n - 1),
              java.util.Arrays.copyOf(positions, n - 1),
              java.util.Arrays.copyOf(slots, n - 1),
              List.of(new ForwardBatch.Chunk(0, n - 1, java.util.Arrays.copyOf(slots, n - 1))),
              new int[] {n - 2});
      model.forward(prefill, cache, manager);
      ForwardBatch decode =
          new ForwardBatch(
              new int[] {prompt[n - 1]},
              new int[] {n - 1},
              new long[] {n - 1},
              List.of(new ForwardBatch.Chunk(0, 1, slots)),
              new int[] {0});
      return model.forward(decode, cache, manager).toFloatArray();
    }
  }

  private static int argmax(float[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best;
  }
}
