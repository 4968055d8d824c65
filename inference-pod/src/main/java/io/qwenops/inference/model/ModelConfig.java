package io.qwenops.inference.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The parts of a Hugging Face {@code config.json} that the Qwen2 forward pass needs.
 *
 * <p>Only {@code Qwen2ForCausalLM} is accepted: another architecture would load without error and
 * then produce garbage, so we refuse it up front and say which file said what.
 */
public record ModelConfig(
    int hiddenSize,
    int intermediateSize,
    int numHiddenLayers,
    int numAttentionHeads,
    int numKeyValueHeads,
    int vocabSize,
    int maxPositionEmbeddings,
    double ropeTheta,
    double rmsNormEps,
    boolean tieWordEmbeddings,
    String torchDtype) {

  public static final String ARCHITECTURE = "Qwen2ForCausalLM";

  public int headDim() {
    return hiddenSize / numAttentionHeads;
  }

  /** Query heads served by each KV head (grouped-query attention). */
  public int queriesPerKvHead() {
    return numAttentionHeads / numKeyValueHeads;
  }

  public static ModelConfig load(Path modelDir) throws IOException {
    Path file = modelDir.resolve("config.json");
    if (!Files.isRegularFile(file)) {
      throw new IOException(
          "No config.json in " + modelDir + ": is this a Hugging Face model directory?");
    }
    JsonNode json = new ObjectMapper().readTree(file.toFile());
    String architecture = json.path("architectures").path(0).asText("");
    if (!ARCHITECTURE.equals(architecture)) {
      throw new IOException(
          file
              + ": architecture '"
              + architecture
              + "' is not supported; QwenOps serves "
              + ARCHITECTURE
              + " (Qwen 2.5) checkpoints");
    }
    ModelConfig config =
        new ModelConfig(
            required(json, file, "hidden_size"),
            required(json, file, "intermediate_size"),
            required(json, file, "num_hidden_layers"),
            required(json, file, "num_attention_heads"),
            json.path("num_key_value_heads").asInt(required(json, file, "num_attention_heads")),
            required(json, file, "vocab_size"),
            json.path("max_position_embeddings").asInt(32768),
            json.path("rope_theta").asDouble(10000.0),
            json.path("rms_norm_eps").asDouble(1e-6),
            json.path("tie_word_embeddings").asBoolean(false),
            json.path("torch_dtype").asText("float32"));
    config.validate(file);
    return config;
  }

  private void validate(Path file) throws IOException {
    if (hiddenSize % numAttentionHeads != 0) {
      throw new IOException(
          file
              + ": hidden_size "
              + hiddenSize
              + " is not divisible by num_attention_heads "
              + numAttentionHeads);
    }
    if (numAttentionHeads % numKeyValueHeads != 0) {
      throw new IOException(
          file
              + ": num_attention_heads "
              + numAttentionHeads
              + " is not divisible by num_key_value_heads "
              + numKeyValueHeads);
    }
  }

  private static int required(JsonNode json, Path file, String field) throws IOException {
    JsonNode node = json.get(field);
    if (node == null || !node.canConvertToInt() || node.asInt() <= 0) {
      throw new IOException(file + ": '" + field + "' is missing or not a positive integer");
    }
    return node.asInt();
  }
}
