package io.qwenops.operator.console.metrics;

import io.qwenops.operator.console.metrics.PrometheusText.Sample;
import io.qwenops.operator.console.metrics.PrometheusText.Samples;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The figures of one scrape the console computes with: gauges, counters (summed over labels) and
 * histograms (buckets summed over labels other than {@code le}). A value the pod did not expose is
 * absent, never 0.
 */
public record EngineSnapshot(
    long atMs,
    Double running,
    Double waiting,
    Double kvCacheUsage,
    Map<String, Double> counters,
    Map<String, Histogram> histograms) {

  public static EngineSnapshot of(Samples samples, long atMs) {
    Map<String, Double> counters = new HashMap<>();
    for (String name : VllmNames.COUNTERS) {
      Double value = samples.sum(name);
      if (value != null) {
        counters.put(name, value);
      }
    }
    Map<String, Histogram> histograms = new HashMap<>();
    for (String name : VllmNames.HISTOGRAMS) {
      List<Sample> buckets = samples.named(name + "_bucket");
      if (!buckets.isEmpty()) {
        TreeMap<Double, Double> byBound = new TreeMap<>();
        for (Sample bucket : buckets) {
          String le = bucket.labels().get("le");
          if (le != null) {
            byBound.merge(bound(le), bucket.value(), Double::sum);
          }
        }
        histograms.put(name, new Histogram(byBound));
      }
    }
    return new EngineSnapshot(
        atMs,
        samples.sum(VllmNames.RUNNING),
        samples.sum(VllmNames.WAITING),
        mean(samples.named(VllmNames.KV_CACHE_USAGE)),
        Map.copyOf(counters),
        Map.copyOf(histograms));
  }

  private static double bound(String le) {
    return switch (le) {
      case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
      default -> Double.parseDouble(le);
    };
  }

  private static Double mean(List<Sample> samples) {
    if (samples.isEmpty()) {
      return null;
    }
    return samples.stream().mapToDouble(Sample::value).average().orElseThrow();
  }
}
