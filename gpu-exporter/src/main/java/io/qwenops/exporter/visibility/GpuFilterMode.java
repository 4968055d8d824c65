package io.qwenops.exporter.visibility;

/** Whether the exporter restricts itself to the inference container's GPU UUIDs. */
public enum GpuFilterMode {
  /**
   * Filter when UUIDs are configured, the UUID file exists, or the exporter runs in a pod (POD_NAME
   * is set).
   */
  auto,
  /** Always filter: with no UUIDs known, show no GPU. */
  on,
  /** Show every GPU NVML sees (a node-wide exporter, or a developer's machine). */
  off
}
