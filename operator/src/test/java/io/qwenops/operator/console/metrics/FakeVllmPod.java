package io.qwenops.operator.console.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The inference pod's engine metrics (docs/metrics.md names and vLLM's TTFT buckets), registered in
 * the real Prometheus Java client and written in its text format. A new instance is a restarted
 * pod: every counter and histogram starts at 0 again.
 */
final class FakeVllmPod {

  static final double[] TTFT_BUCKETS = {
    0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0
  };

  private final PrometheusRegistry registry = new PrometheusRegistry();
  final Gauge running = gauge("vllm:num_requests_running");
  final Gauge waiting = gauge("vllm:num_requests_waiting");
  final Gauge kvCache = gauge("vllm:kv_cache_usage_perc");
  final Counter promptTokens = counter("vllm:prompt_tokens");
  final Counter generationTokens = counter("vllm:generation_tokens");
  final Counter preemptions = counter("vllm:num_preemptions");
  final Counter prefixQueries = counter("vllm:prefix_cache_queries");
  final Counter prefixHits = counter("vllm:prefix_cache_hits");
  final Counter success =
      Counter.builder()
          .name("vllm:request_success")
          .labelNames("model_name", "finished_reason")
          .register(registry);
  final Histogram ttft = histogram("vllm:time_to_first_token_seconds");
  final Histogram interToken = histogram("vllm:inter_token_latency_seconds");
  final Histogram e2e = histogram("vllm:e2e_request_latency_seconds");

  private Gauge gauge(String name) {
    Gauge g = Gauge.builder().name(name).labelNames("model_name").register(registry);
    g.labelValues("qwen").set(0);
    return g;
  }

  private Counter counter(String name) {
    Counter c = Counter.builder().name(name).labelNames("model_name").register(registry);
    c.labelValues("qwen");
    return c;
  }

  private Histogram histogram(String name) {
    Histogram h =
        Histogram.builder()
            .name(name)
            .labelNames("model_name")
            .classicOnly()
            .classicUpperBounds(TTFT_BUCKETS)
            .register(registry);
    h.labelValues("qwen");
    return h;
  }

  String text() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      PrometheusTextFormatWriter.create().write(out, registry.scrape());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
