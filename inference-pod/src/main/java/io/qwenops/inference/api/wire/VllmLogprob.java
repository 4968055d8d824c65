package io.qwenops.inference.api.wire;

/**
 * One entry of vLLM's {@code prompt_logprobs}: a list with one map per prompt token (null for the
 * first, which has nothing before it), keyed by token id, holding the prompt token itself and the k
 * likeliest tokens at its place.
 */
public record VllmLogprob(double logprob, int rank, String decodedToken) {}
