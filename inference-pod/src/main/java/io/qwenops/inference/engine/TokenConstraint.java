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
   * Moves past the chosen token.
   *
   * @return true when the constrained output is complete: the sequence stops (reason STOP)
   */
  boolean accept(int tokenId);
}
