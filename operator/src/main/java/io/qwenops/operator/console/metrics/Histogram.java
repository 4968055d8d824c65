package io.qwenops.operator.console.metrics;

import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Cumulative bucket counts of one Prometheus histogram, by upper bound ({@code le}, +Inf last),
 * with the arithmetic the console needs: deltas between scrapes (a reset makes the new counts the
 * delta), sums across pods, and {@code histogram_quantile}'s linear interpolation.
 */
public final class Histogram {

  public static final Histogram EMPTY = new Histogram(new TreeMap<>());

  private final NavigableMap<Double, Double> cumulative;

  public Histogram(Map<Double, Double> cumulativeByUpperBound) {
    this.cumulative = new TreeMap<>(cumulativeByUpperBound);
  }

  /** Observations counted (the +Inf bucket), 0 without buckets. */
  public double count() {
    Double inf = cumulative.get(Double.POSITIVE_INFINITY);
    return inf == null ? 0 : inf;
  }

  /** What was observed between {@code earlier} and this scrape. */
  public Histogram since(Histogram earlier) {
    if (count() < earlier.count()) {
      return this; // the process restarted: everything counted now is new
    }
    TreeMap<Double, Double> delta = new TreeMap<>();
    cumulative.forEach(
        (le, n) -> delta.put(le, Math.max(0, n - earlier.cumulative.getOrDefault(le, 0.0))));
    return new Histogram(delta);
  }

  public Histogram plus(Histogram other) {
    TreeMap<Double, Double> sum = new TreeMap<>(cumulative);
    other.cumulative.forEach((le, n) -> sum.merge(le, n, Double::sum));
    return new Histogram(sum);
  }

  /**
   * Prometheus {@code histogram_quantile(q, ...)}: the bucket holding rank {@code q × count}, then
   * linear interpolation inside it (from 0 for the first bucket); a rank in the +Inf bucket answers
   * the largest finite bound. Null when nothing was observed.
   */
  public Double quantile(double q) {
    if (cumulative.size() < 2 || !cumulative.containsKey(Double.POSITIVE_INFINITY)) {
      return null;
    }
    double[] bounds = new double[cumulative.size()];
    double[] counts = new double[cumulative.size()];
    int i = 0;
    double running = 0;
    for (Map.Entry<Double, Double> e : cumulative.entrySet()) {
      bounds[i] = e.getKey();
      running = Math.max(running, e.getValue()); // as Prometheus: force monotonic counts
      counts[i] = running;
      i++;
    }
    double observations = counts[counts.length - 1];
    if (observations == 0) {
      return null;
    }
    double rank = q * observations;
    int b = 0;
    while (b < counts.length - 1 && counts[b] < rank) {
      b++;
    }
    if (b == counts.length - 1) {
      return bounds[counts.length - 2];
    }
    if (b == 0 && bounds[0] <= 0) {
      return bounds[0];
    }
    double start = 0;
    double end = bounds[b];
    double inBucket = counts[b];
    if (b > 0) {
      start = bounds[b - 1];
      inBucket -= counts[b - 1];
      rank -= counts[b - 1];
    }
    return start + (end - start) * (rank / inBucket);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Histogram h && h.cumulative.equals(cumulative);
  }

  @Override
  public int hashCode() {
    return cumulative.hashCode();
  }

  @Override
  public String toString() {
    return cumulative.toString();
  }
}
