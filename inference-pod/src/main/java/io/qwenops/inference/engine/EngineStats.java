package io.qwenops.inference.engine;

/**
 * A consistent snapshot of the engine for metrics and health. Counters only grow.
 *
 * @param kvCacheUsage used KV blocks / all KV blocks, 0..1
 * @param prefixCacheQueriesTotal tokens looked up in the prefix cache when requests were admitted
 *     (as vLLM's {@code prefix_cache_queries})
 * @param prefixCacheHitsTotal of those, tokens found cached (prefill skipped)
 */
public record EngineStats(
    int running,
    int waiting,
    double kvCacheUsage,
    int kvBlocksTotal,
    int kvBlocksFree,
    long promptTokensTotal,
    long generationTokensTotal,
    long preemptionsTotal,
    long prefixCacheQueriesTotal,
    long prefixCacheHitsTotal) {}
