package io.qwenops.inference.engine;

import java.util.List;

/**
 * One generated token.
 *
 * @param tokenId the sampled id
 * @param text new text this token makes final: UTF-8 safe (never half a character) and with any
 *     stop string cut out; may be empty while a partial character or a possible stop string is held
 *     back
 * @param logprob log-probability of {@code tokenId} under the processed distribution; NaN when the
 *     request did not ask for logprobs
 * @param topLogprobs the k most likely alternatives, best first; empty unless asked for
 */
public record TokenOutput(
    int tokenId, String text, double logprob, List<TokenLogprob> topLogprobs) {

  /** An alternative token and its log-probability. */
  public record TokenLogprob(int tokenId, double logprob) {}
}
