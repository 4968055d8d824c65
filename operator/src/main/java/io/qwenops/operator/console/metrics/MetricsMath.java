package io.qwenops.operator.console.metrics;

import io.qwenops.operator.console.metrics.Metrics.Quantiles;
import java.util.List;
import java.util.function.Function;

/**
 * Pods' windows → {@link Metrics}. A deployment's total sums counts and rates over its pods that
 * know them, takes quantiles from the summed windowed buckets, and averages KV-cache usage.
 */
public final class MetricsMath {

  private MetricsMath() {}

  public static Metrics pod(PodWindow window) {
    return total(List.of(window));
  }

  public static Metrics total(List<PodWindow> windows) {
    List<PodWindow> known = windows.stream().filter(w -> w.latest() != null).toList();
    if (known.isEmpty()) {
      return Metrics.UNKNOWN;
    }
    Double kv = mean(known, w -> w.latest().kvCacheUsage());
    Double hits = sum(known, w -> w.windowDelta(VllmNames.PREFIX_HITS));
    Double queries = sum(known, w -> w.windowDelta(VllmNames.PREFIX_QUERIES));
    return new Metrics(
        whole(sum(known, w -> w.latest().running())),
        whole(sum(known, w -> w.latest().waiting())),
        kv == null ? null : kv * 100,
        sum(known, w -> w.rate(VllmNames.PROMPT_TOKENS)),
        sum(known, w -> w.rate(VllmNames.GENERATION_TOKENS)),
        whole(sum(known, w -> w.latest().counters().get(VllmNames.GENERATION_TOKENS))),
        whole(sum(known, w -> w.latest().counters().get(VllmNames.PROMPT_TOKENS))),
        quantiles(known, VllmNames.TTFT),
        quantiles(known, VllmNames.INTER_TOKEN),
        quantiles(known, VllmNames.E2E),
        hits == null || queries == null || queries == 0 ? null : hits / queries,
        whole(sum(known, w -> w.latest().counters().get(VllmNames.PREEMPTIONS))),
        sum(known, w -> w.rate(VllmNames.PREEMPTIONS)),
        whole(sum(known, w -> w.latest().counters().get(VllmNames.REQUEST_SUCCESS))));
  }

  private static Quantiles quantiles(List<PodWindow> windows, String histogram) {
    Histogram sum = Histogram.EMPTY;
    for (PodWindow w : windows) {
      sum = sum.plus(w.windowHistogram(histogram));
    }
    return Quantiles.of(sum);
  }

  /** Sum of the values that are known; null when none is. */
  private static Double sum(List<PodWindow> windows, Function<PodWindow, Double> value) {
    Double total = null;
    for (PodWindow w : windows) {
      Double v = value.apply(w);
      if (v != null) {
        total = total == null ? v : total + v;
      }
    }
    return total;
  }

  private static Double mean(List<PodWindow> windows, Function<PodWindow, Double> value) {
    double total = 0;
    int n = 0;
    for (PodWindow w : windows) {
      Double v = value.apply(w);
      if (v != null) {
        total += v;
        n++;
      }
    }
    return n == 0 ? null : total / n;
  }

  private static Long whole(Double value) {
    return value == null ? null : Math.round(value);
  }
}
