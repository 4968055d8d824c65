package io.qwenops.exporter.sampling;

import java.util.List;

/**
 * Everything read at one tick. {@code seq} increases by one per tick from 1; {@code monoMs} is
 * milliseconds on a monotonic clock since the exporter started (use it for intervals); {@code
 * timeMs} is wall-clock epoch milliseconds (use it for display).
 */
public record Sample(long seq, long monoMs, long timeMs, List<GpuReading> gpus) {}
