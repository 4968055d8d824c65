package io.qwenops.operator.console.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The console's figures from real Prometheus text: rates, resets, windowed quantiles, totals. */
class MetricsMathTest {

  private static final long WINDOW_MS = 60_000;

  private static void scrape(PodWindow window, FakeVllmPod pod, long atMs) {
    window.add(EngineSnapshot.of(PrometheusText.parse(pod.text()), atMs));
  }

  @Test
  void ratesComeFromCounterDeltasAndAResetCountsFromZero() {
    PodWindow window = new PodWindow(WINDOW_MS);
    FakeVllmPod pod = new FakeVllmPod();
    pod.generationTokens.labelValues("qwen").inc(100);
    pod.promptTokens.labelValues("qwen").inc(50);
    scrape(window, pod, 0);
    assertThat(MetricsMath.pod(window).generationTokensPerSecond())
        .as("one scrape gives no rate")
        .isNull();
    assertThat(MetricsMath.pod(window).generationTokensTotal()).isEqualTo(100);

    pod.generationTokens.labelValues("qwen").inc(70);
    pod.promptTokens.labelValues("qwen").inc(10);
    scrape(window, pod, 2000);
    Metrics m = MetricsMath.pod(window);
    assertThat(m.generationTokensPerSecond()).isCloseTo(35.0, within(1e-9));
    assertThat(m.promptTokensPerSecond()).isCloseTo(5.0, within(1e-9));

    FakeVllmPod restarted = new FakeVllmPod();
    restarted.generationTokens.labelValues("qwen").inc(20);
    scrape(window, restarted, 4000);
    m = MetricsMath.pod(window);
    assertThat(m.generationTokensPerSecond())
        .as("170 → 20 is a restart: 20 new tokens in 2 s, not -75/s")
        .isCloseTo(10.0, within(1e-9));
    assertThat(m.generationTokensTotal()).isEqualTo(20);
  }

  @Test
  void quantilesInterpolateInsideTheBucketOfTheWindowsDeltas() {
    PodWindow window = new PodWindow(WINDOW_MS);
    FakeVllmPod pod = new FakeVllmPod();
    for (int i = 0; i < 50; i++) {
      pod.ttft.labelValues("qwen").observe(2.0); // before the window's first scrape: not counted
    }
    scrape(window, pod, 0);
    assertThat(MetricsMath.pod(window).ttftSeconds().p50()).isNull();
    for (int i = 0; i < 10; i++) {
      pod.ttft.labelValues("qwen").observe(0.05); // bucket (0.04, 0.06]
    }
    scrape(window, pod, 2000);
    Metrics m = MetricsMath.pod(window);
    assertThat(m.ttftSeconds().p50()).isCloseTo(0.05, within(1e-12));
    assertThat(m.ttftSeconds().p99()).isCloseTo(0.04 + 0.02 * 0.99, within(1e-12));
    assertThat(m.e2eLatencySeconds().p50()).as("nothing observed: unknown, not 0").isNull();

    // The pod restarts and sees 10 slower first tokens; the window keeps both sets.
    FakeVllmPod restarted = new FakeVllmPod();
    for (int i = 0; i < 10; i++) {
      restarted.ttft.labelValues("qwen").observe(0.3); // bucket (0.25, 0.5]
    }
    scrape(window, restarted, 4000);
    m = MetricsMath.pod(window);
    assertThat(m.ttftSeconds().p50()).isCloseTo(0.06, within(1e-12));
    assertThat(m.ttftSeconds().p95()).isCloseTo(0.25 + 0.25 * 9 / 10, within(1e-12));

    // A minute later with nothing new, the window holds no observation.
    scrape(window, restarted, 64_000);
    scrape(window, restarted, 66_000);
    assertThat(MetricsMath.pod(window).ttftSeconds().p50()).isNull();
  }

  @Test
  void aRankBeyondTheLastFiniteBucketAnswersThatBound() {
    PodWindow window = new PodWindow(WINDOW_MS);
    FakeVllmPod pod = new FakeVllmPod();
    scrape(window, pod, 0);
    pod.e2e.labelValues("qwen").observe(42.0); // above the 10 s bucket
    scrape(window, pod, 2000);
    assertThat(MetricsMath.pod(window).e2eLatencySeconds().p99()).isEqualTo(10.0);
  }

  @Test
  void theTotalSumsCountsAndRatesTakesQuantilesFromSummedBucketsAndAveragesKv() {
    PodWindow a = new PodWindow(WINDOW_MS);
    PodWindow b = new PodWindow(WINDOW_MS);
    FakeVllmPod podA = new FakeVllmPod();
    FakeVllmPod podB = new FakeVllmPod();
    scrape(a, podA, 0);
    scrape(b, podB, 0);
    podA.generationTokens.labelValues("qwen").inc(40);
    podB.generationTokens.labelValues("qwen").inc(60);
    podA.running.labelValues("qwen").set(3);
    podB.running.labelValues("qwen").set(1);
    podA.kvCache.labelValues("qwen").set(0.2);
    podB.kvCache.labelValues("qwen").set(0.6);
    podA.prefixQueries.labelValues("qwen").inc(100);
    podA.prefixHits.labelValues("qwen").inc(35);
    podB.success.labelValues("qwen", "stop").inc(4);
    podB.success.labelValues("qwen", "length").inc(1);
    for (int i = 0; i < 10; i++) {
      podA.ttft.labelValues("qwen").observe(0.05);
      podB.ttft.labelValues("qwen").observe(0.3);
    }
    scrape(a, podA, 2000);
    scrape(b, podB, 2000);

    Metrics total = MetricsMath.total(List.of(a, b));
    assertThat(total.generationTokensPerSecond()).isCloseTo(50.0, within(1e-9));
    assertThat(total.generationTokensTotal()).isEqualTo(100);
    assertThat(total.running()).isEqualTo(4);
    assertThat(total.kvCacheUsagePercent()).isCloseTo(40.0, within(1e-9));
    assertThat(total.prefixCacheHitRate()).isCloseTo(0.35, within(1e-12));
    assertThat(total.requestsSucceededTotal()).isEqualTo(5);
    assertThat(total.ttftSeconds().p50()).isCloseTo(0.06, within(1e-12));
    assertThat(total.ttftSeconds().p95()).isCloseTo(0.475, within(1e-12));
    assertThat(MetricsMath.pod(b).prefixCacheHitRate()).as("no queries: unknown").isNull();
  }

  @Test
  void anEmptyPodIsUnknownNotZero() {
    assertThat(MetricsMath.total(List.of())).isEqualTo(Metrics.UNKNOWN);
  }

  @Test
  void theParserReadsLabelsEscapesAndSpecialValuesAndRejectsWhatItDoesNotUnderstand() {
    PrometheusText.Samples samples =
        PrometheusText.parse(
            """
            # HELP x_total Things.
            # TYPE x_total counter
            x_total{path="/a \\"b\\"\\n",code="200"} 3 1700000000000
            x_bucket{le="+Inf"} +Inf
            y NaN
            """);
    assertThat(samples.named("x_total").getFirst().labels())
        .containsEntry("path", "/a \"b\"\n")
        .containsEntry("code", "200");
    assertThat(samples.sum("x_total")).isEqualTo(3.0);
    assertThat(samples.named("x_bucket").getFirst().value()).isInfinite();
    assertThatThrownBy(() -> PrometheusText.parse("ok 1\nbroken{a=\"1\" 2\n"))
        .hasMessageStartingWith("line 2:");
    assertThatThrownBy(() -> PrometheusText.parse("x 1.0f")).hasMessageContaining("not a number");
  }
}
