package io.qwenops.exporter.sampling;

import java.util.Map;

/**
 * What does not change while the exporter runs: identity and the capability map (metric name to
 * whether this GPU reports it). A false capability means the field is null in every sample because
 * NVML answered NOT_SUPPORTED.
 */
public record GpuInfo(
    int index,
    String uuid,
    String name,
    String pciBusId,
    Long memoryTotalBytes,
    Double powerLimitWatts,
    Map<String, Boolean> capabilities) {}
