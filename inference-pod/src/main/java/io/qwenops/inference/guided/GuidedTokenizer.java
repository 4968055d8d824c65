package io.qwenops.inference.guided;

/**
 * What guided decoding needs from a tokenizer: each token's raw bytes, which ids are markup, and
 * the tokenizer's own spelling of text that a grammar forces.
 */
public interface GuidedTokenizer {

  int[] encode(String text);

  /** The raw bytes one token stands for (byte-level BPE: possibly part of a character). */
  byte[] tokenBytes(int id);

  /**
   * Whether the id is an added token ({@code <|im_end|>}, {@code <tool_call>}, ...): markup, never
   * part of ordinary text.
   */
  boolean isAddedToken(int id);
}
