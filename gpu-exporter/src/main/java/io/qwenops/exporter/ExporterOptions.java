package io.qwenops.exporter;

import java.time.Duration;

/** How often the sampler reads NVML and how much history it keeps. */
public record ExporterOptions(int port, Duration interval, Duration history) {

  /** Below this NVML reads start to dominate a core; the issue sets it as the floor. */
  public static final Duration MIN_INTERVAL = Duration.ofMillis(100);

  public static final ExporterOptions DEFAULTS =
      new ExporterOptions(9400, Duration.ofMillis(500), Duration.ofMinutes(10));

  public ExporterOptions {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535, got " + port);
    }
    if (interval.compareTo(MIN_INTERVAL) < 0) {
      throw new IllegalArgumentException(
          "interval must be at least "
              + MIN_INTERVAL.toMillis()
              + " ms, got "
              + interval.toMillis());
    }
    if (history.compareTo(interval) < 0) {
      throw new IllegalArgumentException("history must hold at least one interval");
    }
  }

  /** Samples the history ring buffer holds. */
  public int historySamples() {
    return (int) (history.toMillis() / interval.toMillis());
  }
}
