package io.qwenops.inference.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelConfigTest {

  @TempDir Path dir;

  @Test
  void readsQwen25HalfBillionShape() throws IOException {
    Files.writeString(
        dir.resolve("config.json"),
        """
        {"architectures": ["Qwen2ForCausalLM"], "hidden_size": 896, "intermediate_size": 4864,
         "num_hidden_layers": 24, "num_attention_heads": 14, "num_key_value_heads": 2,
         "vocab_size": 151936, "max_position_embeddings": 32768, "rope_theta": 1000000.0,
         "rms_norm_eps": 1e-06, "tie_word_embeddings": true, "torch_dtype": "bfloat16"}
        """);

    ModelConfig config = ModelConfig.load(dir);

    assertThat(config.headDim()).isEqualTo(64);
    assertThat(config.queriesPerKvHead()).isEqualTo(7);
    assertThat(config.ropeTheta()).isEqualTo(1e6);
    assertThat(config.tieWordEmbeddings()).isTrue();
    assertThat(config.torchDtype()).isEqualTo("bfloat16");
  }

  @Test
  void refusesAnotherArchitectureNamingTheFile() throws IOException {
    Files.writeString(
        dir.resolve("config.json"),
        "{\"architectures\": [\"LlamaForCausalLM\"], \"hidden_size\": 8}");

    assertThatThrownBy(() -> ModelConfig.load(dir))
        .hasMessageContaining("config.json")
        .hasMessageContaining("LlamaForCausalLM")
        .hasMessageContaining("Qwen2ForCausalLM");
  }

  @Test
  void explainsAMissingConfig() {
    assertThatThrownBy(() -> ModelConfig.load(dir))
        .hasMessageContaining("No config.json in " + dir);
  }
}
