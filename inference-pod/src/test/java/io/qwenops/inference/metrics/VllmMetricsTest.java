package io.qwenops.inference.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.qwenops.inference.engine.EngineStats;
import io.qwenops.inference.engine.FinishReason;
import io.qwenops.inference.engine.RequestTimings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The exposition carries vLLM's exact names, labels and buckets. */
class VllmMetricsTest {

  final PrometheusRegistry registry = new PrometheusRegistry();
  final AtomicReference<EngineStats> stats = new AtomicReference<>();
  final VllmMetrics metrics = new VllmMetrics(registry, "qwen-tiny", 4096, stats::get);

  @Test
  void exposesVllmNamesWithModelLabel() throws IOException {
    stats.set(new EngineStats(3, 7, 0.25, 100, 75, 1234, 567, 2, 400, 128));
    String text = scrape();
    assertThat(text)
        .contains("vllm:num_requests_running{model_name=\"qwen-tiny\"} 3.0")
        .contains("vllm:num_requests_waiting{model_name=\"qwen-tiny\"} 7.0")
        .contains("vllm:kv_cache_usage_perc{model_name=\"qwen-tiny\"} 0.25")
        .contains("vllm:gpu_cache_usage_perc{model_name=\"qwen-tiny\"} 0.25")
        .contains("# TYPE vllm:prompt_tokens_total counter")
        .contains("vllm:prompt_tokens_total{model_name=\"qwen-tiny\"} 1234.0")
        .contains("vllm:generation_tokens_total{model_name=\"qwen-tiny\"} 567.0")
        .contains("vllm:num_preemptions_total{model_name=\"qwen-tiny\"} 2.0")
        .contains("vllm:prefix_cache_queries_total{model_name=\"qwen-tiny\"} 400.0")
        .contains("vllm:prefix_cache_hits_total{model_name=\"qwen-tiny\"} 128.0")
        .contains(
            "vllm:request_success_total{finished_reason=\"stop\",model_name=\"qwen-tiny\"} 0.0")
        .contains("# TYPE vllm:time_to_first_token_seconds histogram")
        .contains(
            "vllm:e2e_request_latency_seconds_bucket{model_name=\"qwen-tiny\",le=\"7680.0\"} 0")
        .contains("vllm:request_prompt_tokens_bucket{model_name=\"qwen-tiny\",le=\"2000.0\"} 0");
    assertThat(text).doesNotContain("vllm_").doesNotContain("le=\"5000.0\"");
  }

  @Test
  void whileLoadingGaugesReadZero() throws IOException {
    assertThat(scrape()).contains("vllm:num_requests_running{model_name=\"qwen-tiny\"} 0.0");
  }

  @Test
  void aFinishedRequestLandsInEveryHistogram() throws IOException {
    long s = 1_000_000_000L;
    // arrived 0, scheduled 0.5 s, first token 0.75 s, done 2.75 s after 11 tokens: TPOT 0.2 s.
    metrics.finished(
        FinishReason.LENGTH,
        new RequestTimings(s, s + 500_000_000L, s + 750_000_000L, s + 2_750_000_000L, 30, 11, 0));
    metrics.interTokenGap(0.02);
    String text = scrape();
    assertThat(text)
        .contains(
            "vllm:request_success_total{finished_reason=\"length\",model_name=\"qwen-tiny\"} 1.0")
        .contains("vllm:time_to_first_token_seconds_bucket{model_name=\"qwen-tiny\",le=\"0.75\"} 1")
        .contains("vllm:time_to_first_token_seconds_bucket{model_name=\"qwen-tiny\",le=\"0.5\"} 0")
        .contains(
            "vllm:time_per_output_token_seconds_bucket{model_name=\"qwen-tiny\",le=\"0.2\"} 1")
        .contains(
            "vllm:time_per_output_token_seconds_bucket{model_name=\"qwen-tiny\",le=\"0.15\"} 0")
        .contains("vllm:request_queue_time_seconds_bucket{model_name=\"qwen-tiny\",le=\"0.5\"} 1")
        .contains("vllm:e2e_request_latency_seconds_bucket{model_name=\"qwen-tiny\",le=\"2.5\"} 0")
        .contains("vllm:e2e_request_latency_seconds_bucket{model_name=\"qwen-tiny\",le=\"5.0\"} 1")
        .contains("vllm:request_prompt_tokens_bucket{model_name=\"qwen-tiny\",le=\"50.0\"} 1")
        .contains("vllm:request_generation_tokens_bucket{model_name=\"qwen-tiny\",le=\"10.0\"} 0")
        .contains("vllm:request_generation_tokens_bucket{model_name=\"qwen-tiny\",le=\"20.0\"} 1")
        .contains(
            "vllm:inter_token_latency_seconds_bucket{model_name=\"qwen-tiny\",le=\"0.025\"} 1");
  }

  @Test
  void oneTwoFiveBucketsStopAtTheContextLength() {
    assertThat(VllmBuckets.oneTwoFive(100)).containsExactly(1, 2, 5, 10, 20, 50, 100);
    assertThat(VllmBuckets.oneTwoFive(4096)).endsWith(1000, 2000);
  }

  String scrape() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrometheusTextFormatWriter.create().write(out, registry.scrape());
    return out.toString(StandardCharsets.UTF_8);
  }
}
