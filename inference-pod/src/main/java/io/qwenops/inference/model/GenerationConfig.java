package io.qwenops.inference.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A model's {@code generation_config.json}: the sampling defaults a request inherits when it does
 * not say (as vLLM does) and the EOS ids. Absent fields are null; a missing file means neutral
 * defaults and the EOS from config.json.
 */
public record GenerationConfig(
    Set<Integer> eosTokenIds,
    Double temperature,
    Double topP,
    Integer topK,
    Double minP,
    Double repetitionPenalty) {

  public static GenerationConfig load(Path modelDir) throws IOException {
    Set<Integer> eos = new LinkedHashSet<>();
    Path config = modelDir.resolve("config.json");
    if (Files.isRegularFile(config)) {
      addIds(new ObjectMapper().readTree(config.toFile()).get("eos_token_id"), eos);
    }
    Path file = modelDir.resolve("generation_config.json");
    if (!Files.isRegularFile(file)) {
      return new GenerationConfig(Set.copyOf(eos), null, null, null, null, null);
    }
    JsonNode json = new ObjectMapper().readTree(file.toFile());
    Set<Integer> genEos = new LinkedHashSet<>();
    addIds(json.get("eos_token_id"), genEos);
    if (!genEos.isEmpty()) {
      eos = genEos;
    }
    return new GenerationConfig(
        Set.copyOf(eos),
        number(json, "temperature"),
        number(json, "top_p"),
        json.hasNonNull("top_k") ? json.get("top_k").asInt() : null,
        number(json, "min_p"),
        number(json, "repetition_penalty"));
  }

  private static Double number(JsonNode json, String field) {
    return json.hasNonNull(field) && json.get(field).isNumber() ? json.get(field).asDouble() : null;
  }

  private static void addIds(JsonNode node, Set<Integer> into) {
    if (node == null || node.isNull()) {
      return;
    }
    if (node.isArray()) {
      node.forEach(n -> into.add(n.asInt()));
    } else if (node.canConvertToInt()) {
      into.add(node.asInt());
    }
  }
}
