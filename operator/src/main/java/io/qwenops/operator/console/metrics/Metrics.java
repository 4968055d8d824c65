package io.qwenops.operator.console.metrics;

/** The computed figures of a pod or a deployment (docs/console.md); null = not known yet. */
public record Metrics(
    Long running,
    Long waiting,
    Double kvCacheUsagePercent,
    Double promptTokensPerSecond,
    Double generationTokensPerSecond,
    Long generationTokensTotal,
    Long promptTokensTotal,
    Quantiles ttftSeconds,
    Quantiles interTokenLatencySeconds,
    Quantiles e2eLatencySeconds,
    Double prefixCacheHitRate,
    Long preemptionsTotal,
    Double preemptionsPerSecond,
    Long requestsSucceededTotal) {

  /** p50/p95/p99 over the window; each null when nothing was observed in it. */
  public record Quantiles(Double p50, Double p95, Double p99) {
    static final Quantiles UNKNOWN = new Quantiles(null, null, null);

    static Quantiles of(Histogram h) {
      return new Quantiles(h.quantile(0.5), h.quantile(0.95), h.quantile(0.99));
    }
  }

  public static final Metrics UNKNOWN =
      new Metrics(
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          Quantiles.UNKNOWN,
          Quantiles.UNKNOWN,
          Quantiles.UNKNOWN,
          null,
          null,
          null,
          null);
}
