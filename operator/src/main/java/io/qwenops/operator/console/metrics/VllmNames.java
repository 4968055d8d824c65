package io.qwenops.operator.console.metrics;

/** The inference pod's metric names the console reads (docs/metrics.md: vLLM's names). */
final class VllmNames {

  static final String RUNNING = "vllm:num_requests_running";
  static final String WAITING = "vllm:num_requests_waiting";
  static final String KV_CACHE_USAGE = "vllm:kv_cache_usage_perc";
  static final String PROMPT_TOKENS = "vllm:prompt_tokens_total";
  static final String GENERATION_TOKENS = "vllm:generation_tokens_total";
  static final String PREEMPTIONS = "vllm:num_preemptions_total";
  static final String PREFIX_QUERIES = "vllm:prefix_cache_queries_total";
  static final String PREFIX_HITS = "vllm:prefix_cache_hits_total";
  static final String REQUEST_SUCCESS = "vllm:request_success_total";
  static final String TTFT = "vllm:time_to_first_token_seconds";
  static final String INTER_TOKEN = "vllm:inter_token_latency_seconds";
  static final String E2E = "vllm:e2e_request_latency_seconds";

  static final String[] COUNTERS = {
    PROMPT_TOKENS, GENERATION_TOKENS, PREEMPTIONS, PREFIX_QUERIES, PREFIX_HITS, REQUEST_SUCCESS
  };
  static final String[] HISTOGRAMS = {TTFT, INTER_TOKEN, E2E};

  private VllmNames() {}
}
