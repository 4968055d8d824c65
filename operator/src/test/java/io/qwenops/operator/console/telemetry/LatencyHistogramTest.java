package io.qwenops.operator.console.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

  @Test
  void everyValueLandsInABucketThatHoldsItAndIsAtMostThreePercentWide() {
    for (long v = 0; v < 5_000_000_000L; v = v < 100 ? v + 1 : v + v / 7 + 13) {
      int bucket = LatencyHistogram.bucket(v);
      long upper = LatencyHistogram.upper(bucket);
      long lower = bucket == 0 ? 0 : LatencyHistogram.upper(bucket - 1) + 1;
      assertThat(v).isBetween(lower, upper);
      assertThat((double) (upper - lower)).isLessThanOrEqualTo(Math.max(1, v * 0.032));
    }
  }

  @Test
  void percentilesOfAKnownSpreadAreWithinABucketOfTheTruth() {
    LatencyHistogram h = new LatencyHistogram();
    for (int micros = 1; micros <= 1000; micros++) {
      h.record(micros * 1000L); // 1 µs .. 1 ms, evenly
    }
    LatencyHistogram.Summary s = h.summary();
    assertThat(s.count()).isEqualTo(1000);
    assertThat((double) s.p50()).isCloseTo(500_000, within(500_000 * 0.035));
    assertThat((double) s.p95()).isCloseTo(950_000, within(950_000 * 0.035));
    assertThat((double) s.p99()).isCloseTo(990_000, within(990_000 * 0.035));
    assertThat((double) s.max()).isCloseTo(1_000_000, within(1_000_000 * 0.035));

    h.reset();
    assertThat(h.summary().count()).isZero();
  }
}
