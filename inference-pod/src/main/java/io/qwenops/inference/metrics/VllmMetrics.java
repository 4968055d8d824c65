package io.qwenops.inference.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.qwenops.inference.api.generate.RequestMetrics;
import io.qwenops.inference.engine.EngineStats;
import io.qwenops.inference.engine.FinishReason;
import io.qwenops.inference.engine.RequestTimings;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The inference metrics under vLLM's names, so dashboards and alerts built for vLLM read this
 * server unchanged. Engine-wide numbers (queue lengths, KV usage, token counters) are read from
 * {@link EngineStats} at scrape time; per-request latencies are observed when a request ends.
 *
 * <p>Prometheus client 1.x strips a trailing {@code _total} from counter names and writes it back
 * in the text format, so counters are registered as e.g. {@code vllm:prompt_tokens} and are exposed
 * as {@code vllm:prompt_tokens_total}, exactly vLLM's spelling.
 */
public final class VllmMetrics implements RequestMetrics {

  private static final String MODEL = "model_name";

  private final String modelName;
  private final Counter requestSuccess;
  private final Histogram timeToFirstToken;
  private final Histogram timePerOutputToken;
  private final Histogram interTokenLatency;
  private final Histogram e2eLatency;
  private final Histogram queueTime;
  private final Histogram promptTokens;
  private final Histogram generationTokens;

  /**
   * @param stats the engine's current numbers, or null while the model loads (gauges read 0)
   * @param maxModelLen the top of the token-count buckets (vLLM uses the context length)
   */
  public VllmMetrics(
      PrometheusRegistry registry, String modelName, int maxModelLen, Supplier<EngineStats> stats) {
    this.modelName = modelName;
    gauge(
        registry,
        stats,
        "vllm:num_requests_running",
        "Requests in the running batch.",
        s -> s.running());
    gauge(
        registry,
        stats,
        "vllm:num_requests_waiting",
        "Requests waiting to be scheduled.",
        s -> s.waiting());
    gauge(
        registry,
        stats,
        "vllm:kv_cache_usage_perc",
        "KV-cache usage. 1 means 100 percent usage.",
        EngineStats::kvCacheUsage);
    gauge(
        registry,
        stats,
        "vllm:gpu_cache_usage_perc",
        "KV-cache usage. 1 means 100 percent usage. DEPRECATED: use vllm:kv_cache_usage_perc.",
        EngineStats::kvCacheUsage);
    counter(
        registry,
        stats,
        "vllm:prompt_tokens",
        "Number of prefill tokens processed.",
        s -> s.promptTokensTotal());
    counter(
        registry,
        stats,
        "vllm:generation_tokens",
        "Number of generation tokens processed.",
        s -> s.generationTokensTotal());
    counter(
        registry,
        stats,
        "vllm:num_preemptions",
        "Cumulative number of preemptions from the engine.",
        s -> s.preemptionsTotal());
    counter(
        registry,
        stats,
        "vllm:prefix_cache_queries",
        "Prefix cache queries, in terms of number of queried tokens.",
        s -> s.prefixCacheQueriesTotal());
    counter(
        registry,
        stats,
        "vllm:prefix_cache_hits",
        "Prefix cache hits, in terms of number of cached tokens.",
        s -> s.prefixCacheHitsTotal());
    requestSuccess =
        Counter.builder()
            .name("vllm:request_success")
            .help("Count of successfully processed requests.")
            .labelNames(MODEL, "finished_reason")
            .register(registry);
    for (FinishReason reason : FinishReason.values()) {
      requestSuccess.labelValues(modelName, reason.openAiName());
    }
    timeToFirstToken =
        histogram(
            registry,
            "vllm:time_to_first_token_seconds",
            "Histogram of time to first token in seconds.",
            VllmBuckets.TIME_TO_FIRST_TOKEN);
    timePerOutputToken =
        histogram(
            registry,
            "vllm:time_per_output_token_seconds",
            "Histogram of time per output token in seconds.",
            VllmBuckets.PER_TOKEN);
    interTokenLatency =
        histogram(
            registry,
            "vllm:inter_token_latency_seconds",
            "Histogram of inter-token latency in seconds.",
            VllmBuckets.PER_TOKEN);
    e2eLatency =
        histogram(
            registry,
            "vllm:e2e_request_latency_seconds",
            "Histogram of e2e request latency in seconds.",
            VllmBuckets.REQUEST_LATENCY);
    queueTime =
        histogram(
            registry,
            "vllm:request_queue_time_seconds",
            "Histogram of time spent in WAITING phase for request.",
            VllmBuckets.REQUEST_LATENCY);
    double[] tokenBuckets = VllmBuckets.oneTwoFive(maxModelLen);
    promptTokens =
        histogram(
            registry,
            "vllm:request_prompt_tokens",
            "Number of prefill tokens processed.",
            tokenBuckets);
    generationTokens =
        histogram(
            registry,
            "vllm:request_generation_tokens",
            "Number of generation tokens processed.",
            tokenBuckets);
  }

  @Override
  public void interTokenGap(double seconds) {
    interTokenLatency.labelValues(modelName).observe(seconds);
  }

  @Override
  public void finished(FinishReason reason, RequestTimings t) {
    requestSuccess.labelValues(modelName, reason.openAiName()).inc();
    e2eLatency.labelValues(modelName).observe(seconds(t.finishedNanos() - t.arrivedNanos()));
    if (t.scheduledNanos() > 0) {
      queueTime.labelValues(modelName).observe(seconds(t.scheduledNanos() - t.arrivedNanos()));
    }
    if (t.firstTokenNanos() > 0) {
      timeToFirstToken
          .labelValues(modelName)
          .observe(seconds(t.firstTokenNanos() - t.arrivedNanos()));
      if (t.generatedTokens() > 1) {
        timePerOutputToken
            .labelValues(modelName)
            .observe(seconds(t.finishedNanos() - t.firstTokenNanos()) / (t.generatedTokens() - 1));
      }
    }
    promptTokens.labelValues(modelName).observe(t.promptTokens());
    generationTokens.labelValues(modelName).observe(t.generatedTokens());
  }

  private static double seconds(long nanos) {
    return Math.max(0, nanos) / 1e9;
  }

  private void gauge(
      PrometheusRegistry registry,
      Supplier<EngineStats> stats,
      String name,
      String help,
      ToDoubleFunction<EngineStats> value) {
    GaugeWithCallback.builder()
        .name(name)
        .help(help)
        .labelNames(MODEL)
        .callback(cb -> cb.call(read(stats, value), modelName))
        .register(registry);
  }

  private void counter(
      PrometheusRegistry registry,
      Supplier<EngineStats> stats,
      String name,
      String help,
      ToDoubleFunction<EngineStats> value) {
    CounterWithCallback.builder()
        .name(name)
        .help(help)
        .labelNames(MODEL)
        .callback(cb -> cb.call(read(stats, value), modelName))
        .register(registry);
  }

  /** The engine's current value, or 0 while no model is loaded. */
  private static double read(Supplier<EngineStats> stats, ToDoubleFunction<EngineStats> value) {
    EngineStats s = stats.get();
    return s == null ? 0 : value.applyAsDouble(s);
  }

  private Histogram histogram(
      PrometheusRegistry registry, String name, String help, double[] buckets) {
    Histogram h =
        Histogram.builder()
            .name(name)
            .help(help)
            .labelNames(MODEL)
            .classicOnly()
            .classicUpperBounds(buckets)
            .register(registry);
    h.labelValues(modelName);
    return h;
  }
}
