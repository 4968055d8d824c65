package io.qwenops.inference.engine;

import java.util.Set;

/**
 * Whether a sequence stops after the token it just took, and the text that token adds (as vLLM's
 * {@code check_stop}): EOS unless ignored, a stop token id, an output constraint that is complete,
 * a stop string (the text is cut before it), {@code max_tokens} or a full context. Before {@code
 * min_tokens} tokens, EOS, stop tokens and stop strings do not stop (as vLLM: a stop string counts
 * once the output has more than {@code min_tokens} tokens). On a stop, whatever text was held back
 * (a partial character or a possible stop string) is released.
 */
final class StopCheck {

  /**
   * @param text what the token adds to the output (possibly empty)
   * @param reason why the sequence stops, or null when it goes on
   */
  record Result(String text, FinishReason reason) {}

  private StopCheck() {}

  /** Checks {@code s} after {@code token} was appended to it; a failing constraint throws. */
  static Result after(Sequence s, int token, Set<Integer> eosTokenIds, int maxModelLen) {
    FinishReason reason = null;
    boolean mayStop = s.outputLength >= s.sampling.minTokens();
    if (mayStop && !s.sampling.ignoreEos() && eosTokenIds.contains(token)) {
      reason = FinishReason.STOP;
    } else if (mayStop && s.sampling.stopTokenIds().contains(token)) {
      reason = FinishReason.STOP;
    }
    // EOS under a constraint was allowed because the output may end (TokenConstraint.mayEnd).
    boolean eos = eosTokenIds.contains(token);
    if (s.constraint != null && (eos || s.constraint.accept(token))) {
      reason = s.constraint.closedEarly() ? FinishReason.LENGTH : FinishReason.STOP;
    }
    String text = s.detokenizer.next(token);
    StopStringMatcher.Result matched =
        s.stopMatcher.accept(text, s.outputLength > s.sampling.minTokens());
    text = matched.text();
    if (matched.stopped()) {
      reason = FinishReason.STOP;
    } else if (reason == null
        && (s.outputLength >= s.sampling.maxTokens() || s.length() >= maxModelLen)) {
      reason = FinishReason.LENGTH;
    }
    if (reason != null && !matched.stopped()) {
      StopStringMatcher.Result tail = s.stopMatcher.accept(s.detokenizer.flush());
      text += tail.text() + (tail.stopped() ? "" : s.stopMatcher.flush());
    }
    return new Result(text, reason);
  }
}
