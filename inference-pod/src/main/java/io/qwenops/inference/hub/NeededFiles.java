package io.qwenops.inference.hub;

import java.util.List;
import java.util.Set;

/**
 * The files of a repo the server loads: config, generation defaults, tokenizer, chat template and
 * the safetensors weights (with their index). README, images, .bin/.gguf/onnx copies and other
 * folders stay on the Hub.
 */
public final class NeededFiles {

  static final Set<String> EXACT =
      Set.of(
          "config.json",
          "generation_config.json",
          "tokenizer.json",
          "tokenizer_config.json",
          "special_tokens_map.json",
          "added_tokens.json",
          "vocab.json",
          "merges.txt",
          "chat_template.jinja",
          "model.safetensors.index.json");

  private NeededFiles() {}

  static boolean needed(String name) {
    return !name.contains("/") && (EXACT.contains(name) || name.endsWith(".safetensors"));
  }

  /**
   * @throws HubException when the repo lacks what a Qwen2 checkpoint must have
   */
  static List<RepoFile> select(HubRef ref, List<RepoFile> all) throws HubException {
    List<RepoFile> needed = all.stream().filter(f -> needed(f.name())).toList();
    if (needed.stream().noneMatch(f -> f.name().equals("config.json"))) {
      throw new HubException(ref + " has no config.json: is it a transformers model repo?");
    }
    if (needed.stream().noneMatch(f -> f.name().endsWith(".safetensors"))) {
      throw new HubException(
          ref
              + " has no *.safetensors weights (only .bin or GGUF files?); this server loads"
              + " safetensors checkpoints");
    }
    return needed;
  }
}
