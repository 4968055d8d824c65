package io.qwenops.exporter.visibility;

import java.util.List;

/**
 * The outcome of filtering NVML's GPUs by the allowed UUIDs.
 *
 * @param filtering whether a UUID filter applies
 * @param source where the allowed UUIDs came from (env, file path), empty when none
 * @param allowedUuids the UUIDs the inference container owns, as configured
 * @param visibleUuids the GPUs shown, in NVML index order
 * @param missingUuids allowed UUIDs that NVML does not see
 * @param reason why no GPU is shown (or what is wrong), null when all is well
 */
public record GpuSelection(
    boolean filtering,
    String source,
    List<String> allowedUuids,
    List<String> visibleUuids,
    List<String> missingUuids,
    String reason) {}
