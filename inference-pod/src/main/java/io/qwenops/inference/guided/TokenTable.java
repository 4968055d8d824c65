package io.qwenops.inference.guided;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Every token's raw bytes, read once per tokenizer, for grammars that check tokens byte by byte.
 * Ids without bytes (the model's padding beyond the tokenizer) and added tokens ({@code
 * <|im_end|>}, {@code <tool_call>}, ...) are never ordinary text.
 */
public final class TokenTable {

  /** Weak keys: a table holds no reference to its tokenizer, so an unloaded model's goes too. */
  private static final Map<GuidedTokenizer, TokenTable> CACHE = new WeakHashMap<>();

  private final byte[][] bytes;
  private final boolean[] text;
  private final boolean[] plainStringText;
  private final int[] singleByte = new int[256];
  private VocabularyTrie trie;

  private TokenTable(GuidedTokenizer tokenizer, int vocabSize) {
    this.bytes = new byte[vocabSize][];
    this.text = new boolean[vocabSize];
    this.plainStringText = new boolean[vocabSize];
    Arrays.fill(singleByte, -1);
    for (int id = 0; id < vocabSize; id++) {
      byte[] b;
      try {
        b = tokenizer.tokenBytes(id);
      } catch (RuntimeException e) {
        b = null; // an id the tokenizer does not know
      }
      bytes[id] = b;
      text[id] = b != null && b.length > 0 && !tokenizer.isAddedToken(id);
      plainStringText[id] = text[id] && isPlainStringText(b);
      if (text[id] && b.length == 1 && singleByte[b[0] & 0xFF] < 0) {
        singleByte[b[0] & 0xFF] = id;
      }
    }
  }

  public static TokenTable of(GuidedTokenizer tokenizer, int vocabSize) {
    synchronized (CACHE) {
      TokenTable t = CACHE.get(tokenizer);
      if (t == null || t.bytes.length != vocabSize) {
        t = new TokenTable(tokenizer, vocabSize);
        CACHE.put(tokenizer, t);
      }
      return t;
    }
  }

  public int size() {
    return bytes.length;
  }

  /** The token's bytes (null when it has none). */
  byte[] bytes(int id) {
    return id >= 0 && id < bytes.length ? bytes[id] : null;
  }

  /** Whether the token is ordinary text (not markup, not empty). */
  boolean isText(int id) {
    return id >= 0 && id < text.length && text[id];
  }

  /**
   * Whether the token is whole characters that a JSON string holds as they are (no quote, backslash
   * or control character, no partial UTF-8): inside a string it changes nothing but the string's
   * length, so a grammar can allow it without replaying its bytes.
   */
  boolean isPlainStringText(int id) {
    return id >= 0 && id < plainStringText.length && plainStringText[id];
  }

  private static boolean isPlainStringText(byte[] b) {
    long lexer = StringLexer.CLEAN;
    for (byte x : b) {
      if (x == '"' || (lexer = StringLexer.next(lexer, x & 0xFF)) == StringLexer.REFUSED) {
        return false;
      }
      if (x == '\\') {
        return false;
      }
    }
    return lexer == StringLexer.CLEAN;
  }

  /** Every text token in one trie (built on first use: only guided JSON needs it). */
  synchronized VocabularyTrie trie() {
    if (trie == null) {
      trie = new VocabularyTrie(bytes, text, plainStringText);
    }
    return trie;
  }

  /**
   * Token ids spelling exactly {@code b}: a leading run of UTF-8 continuation bytes (the rest of a
   * character begun earlier) as single-byte tokens, the rest as the tokenizer encodes it.
   */
  int[] encode(byte[] b, GuidedTokenizer tokenizer) {
    int lead = 0;
    while (lead < b.length && (b[lead] & 0xC0) == 0x80) {
      lead++;
    }
    int[] rest = tokenizer.encode(new String(b, lead, b.length - lead, StandardCharsets.UTF_8));
    int[] out = new int[lead + rest.length];
    for (int i = 0; i < lead; i++) {
      out[i] = singleByte[b[i] & 0xFF];
      if (out[i] < 0) {
        throw new IllegalStateException("no token for byte " + (b[i] & 0xFF));
      }
    }
    System.arraycopy(rest, 0, out, lead, rest.length);
    return out;
  }
}
