package io.qwenops.inference.engine;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.IntFunction;

/**
 * Turns a stream of token ids into text that is always whole characters: the bytes of a UTF-8
 * character split across tokens are held until the character is complete. Special tokens (such as
 * {@code <|im_end|>}) produce no text, as with vLLM's default skip_special_tokens.
 */
final class IncrementalDetokenizer {

  private final IntFunction<byte[]> tokenBytes;
  private final java.util.function.IntPredicate special;
  private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

  IncrementalDetokenizer(IntFunction<byte[]> tokenBytes, java.util.function.IntPredicate special) {
    this.tokenBytes = tokenBytes;
    this.special = special;
  }

  /** The new complete characters this token finishes (possibly empty). */
  String next(int tokenId) {
    if (special.test(tokenId)) {
      return "";
    }
    byte[] bytes = tokenBytes.apply(tokenId);
    if (bytes != null) {
      pending.writeBytes(bytes);
    }
    byte[] all = pending.toByteArray();
    int complete = completePrefix(all);
    pending.reset();
    pending.write(all, complete, all.length - complete);
    return new String(all, 0, complete, StandardCharsets.UTF_8);
  }

  /** Whatever is still held (an unfinished character decodes to U+FFFD), at end of stream. */
  String flush() {
    String rest = pending.toString(StandardCharsets.UTF_8);
    pending.reset();
    return rest;
  }

  /**
   * Length of the longest prefix that does not end inside a character still missing bytes. Only the
   * last up to 3 bytes can be an unfinished character.
   */
  static int completePrefix(byte[] b) {
    int n = b.length;
    for (int back = 1; back <= Math.min(3, n); back++) {
      int lead = b[n - back] & 0xFF;
      if ((lead & 0xC0) == 0x80) {
        continue; // continuation byte: look further back for its lead
      }
      int needed = lead >= 0xF0 && lead <= 0xF4 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC2 ? 2 : 1;
      if (lead < 0xC2 && lead >= 0x80) {
        needed = 1; // invalid lead byte: let the decoder replace it
      }
      return needed > back ? n - back : n;
    }
    return n;
  }
}
