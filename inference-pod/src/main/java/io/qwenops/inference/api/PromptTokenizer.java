package io.qwenops.inference.api;

/**
 * What the API needs from a tokenizer: text to ids and back. Qwen adds no BOS, so {@code encode} of
 * a rendered chat prompt is exactly the engine's input.
 */
public interface PromptTokenizer {

  int[] encode(String text);

  String decode(int[] ids, boolean skipSpecialTokens);

  /** The text of one token on its own (for logprobs). */
  default String tokenText(int id) {
    return decode(new int[] {id}, false);
  }

  /** The raw bytes one token stands for (byte-level BPE: possibly part of a character). */
  default byte[] tokenBytes(int id) {
    return tokenText(id).getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  /**
   * Whether the id is an added token ({@code <|im_end|>}, {@code <tool_call>}, ...): markup, never
   * part of ordinary text.
   */
  default boolean isAddedToken(int id) {
    return false;
  }
}
