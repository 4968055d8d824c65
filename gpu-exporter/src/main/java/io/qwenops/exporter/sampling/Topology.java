package io.qwenops.exporter.sampling;

import io.qwenops.exporter.visibility.GpuSelection;
import java.util.List;

/**
 * Which GPUs the exporter shows and why: NVML's state, the UUID filter's outcome and the visible
 * GPUs' static facts. {@code reason} is null when at least one GPU is shown and nothing is wrong.
 */
public record Topology(
    NvmlStatus nvml, GpuSelection selection, List<GpuInfo> gpus, String reason) {}
