package io.qwenops.inference.guided;

import io.qwenops.inference.engine.TokenConstraint;
import java.util.Arrays;

/**
 * Guided decoding of one JSON value that a {@link JsonSchema} admits (structured outputs: {@code
 * response_format}, {@code guided_json}). The model chooses every byte; a token is allowed when its
 * bytes keep the text a valid prefix, and EOS only once the text is a whole value. Generation stops
 * as soon as the value is closed (nothing may follow an object). {@code max_tokens} can still cut
 * the value short (finish reason "length"): unlike a forced tool call, no closing is forced.
 */
public final class JsonSchemaGrammar implements TokenConstraint {

  private final TokenTable table;
  private final JsonPrefix prefix;
  private final boolean[] allowed;

  public JsonSchemaGrammar(TokenTable table, JsonSchema schema) {
    this.table = table;
    this.prefix = JsonPrefix.of(schema);
    this.allowed = new boolean[table.size()];
  }

  @Override
  public int forcedToken() {
    return -1;
  }

  @Override
  public boolean allows(int tokenId) {
    if (!table.isText(tokenId)) {
      return false;
    }
    if (prefix.inPlainString() && table.isPlainStringText(tokenId)) {
      return true; // the string just grows: nothing else changes
    }
    JsonValueFrame s = prefix.state();
    for (byte b : table.bytes(tokenId)) {
      s = s.feed(b & 0xFF);
      if (s == null) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean mayEnd() {
    return prefix.mayEnd();
  }

  /** One walk of the vocabulary's trie from the current state (see {@link VocabularyTrie}). */
  @Override
  public void mask(float[] logits) {
    Arrays.fill(allowed, false);
    table.trie().allowed(prefix.state(), allowed);
    int n = Math.min(logits.length, allowed.length);
    for (int id = 0; id < n; id++) {
      if (!allowed[id]) {
        logits[id] = Float.NEGATIVE_INFINITY;
      }
    }
    for (int id = n; id < logits.length; id++) {
      logits[id] = Float.NEGATIVE_INFINITY;
    }
  }

  @Override
  public boolean accept(int tokenId) {
    byte[] b = table.bytes(tokenId);
    if (b == null || !table.isText(tokenId)) {
      throw new IllegalStateException("token " + tokenId + " is not text");
    }
    for (byte x : b) {
      if (!prefix.feed(x)) {
        throw new IllegalStateException("token " + tokenId + " breaks the JSON value");
      }
    }
    return prefix.done();
  }
}
