package io.qwenops.operator.console.telemetry;

/**
 * What the gateway itself adds to an exporter frame, measured on the gateway: for every copy sent
 * to a browser, the time from the upstream frame's arrival (its last byte read by the link) to the
 * browser's writer taking it ({@code handedOver}) and to that browser's socket write returning
 * ({@code written}). Frames the gateway makes itself (status, history on subscribe) are not timed.
 */
public final class DeliveryTimes {

  private final LatencyHistogram handedOver = new LatencyHistogram();
  private final LatencyHistogram written = new LatencyHistogram();

  public LatencyHistogram handedOver() {
    return handedOver;
  }

  public LatencyHistogram written() {
    return written;
  }

  /** Forgets everything recorded (a benchmark's warm-up). */
  public void reset() {
    handedOver.reset();
    written.reset();
  }
}
