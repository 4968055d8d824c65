package io.qwenops.inference.engine;

/**
 * A grammar that one request's generated tokens must follow (guided decoding, e.g. a forced tool
 * call). Called on the step thread only, once per generated token: first {@link #forcedToken},
 * then, when no token is forced, {@link #allows} for candidate tokens, then {@link #accept} with
 * the chosen one. The engine asks about candidates in order of probability, so a constraint is
 * never asked about the whole vocabulary unless the likely tokens are all refused.
 */
public interface TokenConstraint {

  /** The only token allowed next, or -1 when the model chooses among allowed tokens. */
  int forcedToken();

  /** Whether {@code tokenId} may come next. */
  boolean allows(int tokenId);

  /**
   * Whether the output is complete enough to end here: EOS (the model's end-of-sequence ids) is
   * allowed only then, and ends the output without being passed to {@link #accept}.
   */
  default boolean mayEnd() {
    return false;
  }

  /**
   * Sets every refused token's logit to -inf (EOS aside: the engine applies {@link #mayEnd}). The
   * default asks {@link #allows} about each id; a grammar may know a faster way.
   */
  default void mask(float[] logits) {
    for (int id = 0; id < logits.length; id++) {
      if (logits[id] != Float.NEGATIVE_INFINITY && !allows(id)) {
        logits[id] = Float.NEGATIVE_INFINITY;
      }
    }
  }

  /**
   * Whether the grammar closed the output by force because {@code max_tokens} was running out: the
   * sequence then ends with reason LENGTH (valid, but cut short), not STOP.
   */
  default boolean closedEarly() {
    return false;
  }

  /**
   * Moves past the chosen token.
   *
   * @return true when the constrained output is complete: the sequence stops (reason STOP)
   */
  boolean accept(int tokenId);
}
