package io.qwenops.inference.engine;

import java.util.List;

/**
 * A prompt token's log-probability given the prompt tokens before it (raw model distribution, no
 * temperature or penalties), as vLLM's {@code prompt_logprobs}.
 *
 * @param logprob NaN for the first prompt token, which has nothing before it
 * @param rank the token's 1-based place in that distribution (1 + how many tokens are likelier, as
 *     vLLM counts it); 0 for the first token
 * @param top the k most likely tokens at this position, best first; empty for the first token
 */
public record PromptLogprob(
    int tokenId, double logprob, int rank, List<TokenOutput.TokenLogprob> top) {}
