package io.qwenops.operator.crd;

/** The per-pod metric a HorizontalPodAutoscaler scales the inference pods on. */
public enum AutoscalingMetric {
  /** Requests waiting for a batch slot ({@code vllm:num_requests_waiting}), averaged per pod. */
  RequestsWaiting,
  /** KV cache in use, 0 to 1 ({@code vllm:kv_cache_usage_perc}), averaged per pod. */
  KvCacheUsage
}
