package io.qwenops.exporter.sampling;

import io.qwenops.exporter.nvml.Nvml;

/**
 * What the sampler reads from: the NVML handle (null when unavailable), its status and the GPUs
 * discovered through it.
 */
public record GpuSource(Nvml nvml, NvmlStatus status, GpuInventory inventory)
    implements AutoCloseable {

  public static GpuSource unavailable(NvmlStatus status) {
    return new GpuSource(null, status, GpuInventory.empty());
  }

  @Override
  public void close() {
    inventory.close();
    if (nvml != null) {
      nvml.close();
    }
  }
}
