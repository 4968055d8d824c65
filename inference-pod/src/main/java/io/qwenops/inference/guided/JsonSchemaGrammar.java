package io.qwenops.inference.guided;

import io.qwenops.inference.engine.TokenConstraint;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * Guided decoding of one JSON value that a {@link JsonSchema} admits (structured outputs: {@code
 * response_format}, {@code guided_json}). The model chooses every byte; a token is allowed when its
 * bytes keep the text a valid prefix, and EOS only once the text is a whole value. Generation stops
 * as soon as the value is closed (nothing may follow an object).
 *
 * <p>The value always fits {@code max_tokens} when it can, as a forced tool call does: a token is
 * allowed only if the shortest closing after it still fits the tokens left (each byte of closing
 * counted as a token, never fewer than it takes), and once it only just fits that closing is forced
 * ({@link #closedEarly()}: the output ends with finish reason "length", valid but cut short). So
 * the reply parses and validates whatever the weights, unless {@code max_tokens} cannot hold even
 * the schema's shortest value.
 */
public final class JsonSchemaGrammar implements TokenConstraint {

  private final TokenTable table;
  private final GuidedTokenizer tokenizer;
  private final JsonPrefix prefix;
  private final int maxTokens;
  private final int maxGrowthPerByte;
  private final boolean[] allowed;
  private final ArrayDeque<Integer> plan = new ArrayDeque<>();
  private int generated;
  private int cost;
  private boolean closedEarly;

  public JsonSchemaGrammar(
      TokenTable table, GuidedTokenizer tokenizer, JsonSchema schema, int maxTokens) {
    this.table = table;
    this.tokenizer = tokenizer;
    this.prefix = JsonPrefix.of(schema);
    this.maxTokens = maxTokens;
    // A byte can lengthen the shortest closing by at most a value's shortest text and a key.
    this.maxGrowthPerByte = 8 + schema.largestMinimal();
    this.allowed = new boolean[table.size()];
    this.cost = prefix.completion().length;
  }

  @Override
  public boolean closedEarly() {
    return closedEarly;
  }

  @Override
  public int forcedToken() {
    if (plan.isEmpty() && !prefix.done() && maxTokens - generated <= cost && cost > 0) {
      closedEarly = true;
      for (int id : table.encode(prefix.completion(), tokenizer)) {
        plan.addLast(id);
      }
    }
    return plan.isEmpty() ? -1 : plan.peekFirst();
  }

  @Override
  public boolean allows(int tokenId) {
    if (!table.isText(tokenId)) {
      return false;
    }
    int left = maxTokens - generated - 1;
    if (prefix.inPlainString() && table.isPlainStringText(tokenId)) {
      return left >= cost; // the string just grows: nothing else changes
    }
    byte[] b = table.bytes(tokenId);
    JsonValueFrame s = prefix.state();
    for (byte x : b) {
      s = s.feed(x & 0xFF);
      if (s == null) {
        return false;
      }
    }
    return roomy(left, b.length) || left >= closing(s);
  }

  /** Whether {@code left} tokens hold any closing after {@code bytes} more bytes. */
  private boolean roomy(int left, int bytes) {
    return left >= cost + (long) maxGrowthPerByte * bytes;
  }

  private static int closing(JsonValueFrame s) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    s.closing(out);
    return out.size();
  }

  @Override
  public boolean mayEnd() {
    return prefix.mayEnd();
  }

  /**
   * One walk of the vocabulary's trie from the current state (see {@link VocabularyTrie}); a
   * survivor that might not leave room for the closing is checked against the budget on its own.
   */
  @Override
  public void mask(float[] logits) {
    Arrays.fill(allowed, false);
    table.trie().allowed(prefix.state(), allowed);
    int left = maxTokens - generated - 1;
    int n = Math.min(logits.length, allowed.length);
    for (int id = 0; id < n; id++) {
      if (!allowed[id] || (!roomy(left, table.bytes(id).length) && !allows(id))) {
        logits[id] = Float.NEGATIVE_INFINITY;
      }
    }
    Arrays.fill(logits, n, logits.length, Float.NEGATIVE_INFINITY);
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
    generated++;
    if (!plan.isEmpty() && plan.peekFirst() == tokenId) {
      plan.removeFirst();
    } else {
      plan.clear();
    }
    cost = prefix.completion().length;
    return prefix.done();
  }
}
