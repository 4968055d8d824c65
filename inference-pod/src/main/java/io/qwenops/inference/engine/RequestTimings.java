package io.qwenops.inference.engine;

/**
 * What happened to one request, for usage and latency metrics. Times are {@link System#nanoTime()}
 * readings; {@code firstTokenNanos} is 0 when no token was produced.
 *
 * @param cachedPromptTokens prompt tokens served from the prefix cache (no prefill computed)
 */
public record RequestTimings(
    long arrivedNanos,
    long scheduledNanos,
    long firstTokenNanos,
    long finishedNanos,
    int promptTokens,
    int generatedTokens,
    int cachedPromptTokens) {}
