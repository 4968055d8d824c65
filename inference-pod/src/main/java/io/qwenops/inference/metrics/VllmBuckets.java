package io.qwenops.inference.metrics;

import java.util.ArrayList;
import java.util.List;

/** vLLM's histogram bucket boundaries (vllm/v1/metrics/loggers.py), so dashboards line up. */
final class VllmBuckets {

  private VllmBuckets() {}

  static final double[] TIME_TO_FIRST_TOKEN = {
    0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0,
    20.0, 40.0, 80.0, 160.0, 640.0, 2560.0
  };

  /** Shared by time-per-output-token and inter-token latency. */
  static final double[] PER_TOKEN = {
    0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0,
    40.0, 80.0
  };

  /** Shared by e2e latency and queue time. */
  static final double[] REQUEST_LATENCY = {
    0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0, 120.0, 240.0,
    480.0, 960.0, 1920.0, 7680.0
  };

  /** vLLM's {@code build_1_2_5_buckets(max)}: 1, 2, 5, 10, 20, 50, ... up to {@code max}. */
  static double[] oneTwoFive(int max) {
    List<Double> out = new ArrayList<>();
    int[] mantissas = {1, 2, 5};
    for (long exponent = 1; ; exponent *= 10) {
      for (int m : mantissas) {
        long value = m * exponent;
        if (value > max) {
          return out.stream().mapToDouble(Double::doubleValue).toArray();
        }
        out.add((double) value);
      }
    }
  }
}
