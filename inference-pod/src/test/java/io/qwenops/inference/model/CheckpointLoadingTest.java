package io.qwenops.inference.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qwenops.inference.engine.EngineOptions;
import io.qwenops.inference.engine.QwenEngines;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every checkpoint layout Hugging Face publishes loads; broken ones fail with a clear message. */
class CheckpointLoadingTest {

  private static final int[] PROMPT = {151644, 872, 198, 9707, 11, 1879};

  @TempDir Path temp;

  @Test
  void bf16ShardedLoadsExactlyLikeSingleFileAndF16F32Agree() throws Exception {
    CheckpointWriter.Spec spec = CheckpointWriter.Spec.of(ModelShape.TINY);
    float[] single = lastLogits(TestCheckpoints.get(spec));
    Path sharded = TestCheckpoints.get(spec.withShards(3));
    assertThat(sharded.resolve("model.safetensors.index.json")).exists();
    assertThat(sharded.resolve("model-00003-of-00003.safetensors")).exists();
    assertThat(lastLogits(sharded)).containsExactly(single);
    // Same underlying values rounded differently: close, not equal.
    for (String dtype : List.of("f16", "f32")) {
      float[] other = lastLogits(TestCheckpoints.get(spec.withDtype(dtype)));
      assertThat(maxDiff(single, other)).as(dtype).isLessThan(0.05);
    }
  }

  @Test
  void tiedCheckpointsHaveNoLmHeadAndUseTheEmbedding() throws Exception {
    Path tied =
        TestCheckpoints.get(CheckpointWriter.Spec.of(ModelShape.TINY.withTiedEmbeddings(true)));
    try (CheckpointTensors t = CheckpointTensors.open(tied)) {
      assertThat(t.contains("lm_head.weight")).isFalse();
    }
    ModelConfig config = ModelConfig.load(tied);
    try (Qwen2Weights w = WeightLoader.load(tied, config, ComputeSetup.resolve("cpu", "float32"))) {
      assertThat(w.lmHead()).isSameAs(w.embedding());
    }
    assertThat(lastLogits(tied)).doesNotContain(Float.NaN);
  }

  @Test
  void aWrongDirectoryIsNamed() {
    Path missing = temp.resolve("nope");
    assertThatThrownBy(() -> QwenEngines.load(missing, EngineOptions.defaults().withDevice("cpu")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(missing.toString());
  }

  @Test
  void aMissingTensorNamesTheTensorAndTheFiles() throws Exception {
    Path dir = copyOf(TestCheckpoints.get(CheckpointWriter.Spec.of(ModelShape.TINY).withShards(2)));
    Path index = dir.resolve("model.safetensors.index.json");
    ObjectNode json = (ObjectNode) new ObjectMapper().readTree(index.toFile());
    ((ObjectNode) json.get("weight_map")).remove("model.layers.1.mlp.up_proj.weight");
    new ObjectMapper().writeValue(index.toFile(), json);
    assertThatThrownBy(() -> load(dir))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("model.layers.1.mlp.up_proj.weight")
        .hasMessageContaining("model.safetensors.index.json");
  }

  @Test
  void aShapeMismatchNamesFileTensorAndShapes() throws Exception {
    Path dir = copyOf(TestCheckpoints.tiny());
    editConfig(dir, "intermediate_size", 128);
    assertThatThrownBy(() -> load(dir))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("model.safetensors")
        .hasMessageContaining("model.layers.0.mlp.gate_proj.weight")
        .hasMessageContaining("[160, 64]")
        .hasMessageContaining("[128, 64]");
  }

  @Test
  void anotherArchitectureIsRefused() throws Exception {
    Path dir = copyOf(TestCheckpoints.tiny());
    Path config = dir.resolve("config.json");
    Files.writeString(
        config, Files.readString(config).replace("Qwen2ForCausalLM", "LlamaForCausalLM"));
    assertThatThrownBy(() -> load(dir))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("LlamaForCausalLM")
        .hasMessageContaining("config.json");
  }

  @Test
  void writtenTokenizerIsQwen25s() throws Exception {
    Path dir = TestCheckpoints.tiny();
    String config = Files.readString(dir.resolve("tokenizer_config.json"));
    assertThat(config).doesNotContain("<think>").contains("<|im_start|>assistant");
    assertThat(Files.readString(dir.resolve("tokenizer.json"))).doesNotContain("</tool_response>");
    GenerationConfig generation = GenerationConfig.load(dir);
    assertThat(generation.eosTokenIds()).containsExactlyInAnyOrder(151645, 151643);
    assertThat(generation.temperature()).isEqualTo(0.7);
    assertThat(generation.topK()).isEqualTo(20);
  }

  private static void load(Path dir) throws IOException {
    ModelConfig config = ModelConfig.load(dir);
    try (Qwen2Weights w = WeightLoader.load(dir, config, ComputeSetup.resolve("cpu", "float32"))) {
      assertThat(w).isNotNull();
    }
  }

  private Path copyOf(Path source) throws IOException {
    Path dir = temp.resolve("copy-" + source.getFileName());
    Files.createDirectories(dir);
    try (Stream<Path> files = Files.list(source)) {
      for (Path f : files.toList()) {
        Files.copy(f, dir.resolve(f.getFileName()));
      }
    }
    return dir;
  }

  private static void editConfig(Path dir, String field, int value) throws IOException {
    ObjectNode json = (ObjectNode) new ObjectMapper().readTree(dir.resolve("config.json").toFile());
    json.put(field, value);
    new ObjectMapper().writeValue(dir.resolve("config.json").toFile(), json);
  }

  private static double maxDiff(float[] a, float[] b) {
    double worst = 0;
    for (int i = 0; i < a.length; i++) {
      worst = Math.max(worst, Math.abs(a[i] - b[i]));
    }
    return worst;
  }

  static float[] lastLogits(Path dir) throws IOException {
    ModelConfig config = ModelConfig.load(dir);
    ComputeSetup setup = ComputeSetup.resolve("cpu", "float32");
    try (Qwen2Weights weights = WeightLoader.load(dir, config, setup);
        PagedKvCache cache = new PagedKvCache(config, setup, 1, 16);
        NDManager manager = NDManager.newBaseManager(setup.device(), "PyTorch")) {
      Qwen2Model model = new Qwen2Model(weights, 16);
      int n = PROMPT.length;
      long[] slots = new long[n];
      int[] positions = new int[n];
      for (int i = 0; i < n; i++) {
        slots[i] = i;
        positions[i] = i;
      }
      ForwardBatch batch =
          new ForwardBatch(
              PROMPT,
              positions,
              slots,
              List.of(new ForwardBatch.Chunk(0, n, slots)),
              new int[] {n - 1});
      return model.forward(batch, cache, manager).toFloatArray();
    }
  }
}
