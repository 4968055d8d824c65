package io.qwenops.inference.api;

import io.qwenops.inference.guided.GuidedTokenizer;

/**
 * What the API needs from a tokenizer: text to ids and back. Qwen adds no BOS, so {@code encode} of
 * a rendered chat prompt is exactly the engine's input.
 */
public interface PromptTokenizer extends GuidedTokenizer {

  @Override
  int[] encode(String text);

  String decode(int[] ids, boolean skipSpecialTokens);

  /** The text of one token on its own (for logprobs). */
  default String tokenText(int id) {
    return decode(new int[] {id}, false);
  }

  @Override
  default byte[] tokenBytes(int id) {
    return tokenText(id).getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  @Override
  default boolean isAddedToken(int id) {
    return false;
  }
}
