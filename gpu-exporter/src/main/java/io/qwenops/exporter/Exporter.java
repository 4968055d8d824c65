package io.qwenops.exporter;

import io.qwenops.exporter.nvml.Nvml;
import io.qwenops.exporter.nvml.NvmlException;
import io.qwenops.exporter.nvml.NvmlLoader;
import io.qwenops.exporter.sampling.GpuInventory;
import io.qwenops.exporter.sampling.NvmlStatus;
import io.qwenops.exporter.sampling.SampleHistory;
import io.qwenops.exporter.sampling.Sampler;
import io.qwenops.exporter.server.ExporterServer;
import io.qwenops.exporter.visibility.GpuAllowList;
import java.util.logging.Logger;

/**
 * The running exporter: NVML, the GPU inventory, the sampler and the server, started and stopped
 * together.
 */
public final class Exporter implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(Exporter.class.getName());

  private final Nvml nvml;
  private final GpuInventory inventory;
  private final Sampler sampler;
  private final ExporterServer server;

  private Exporter(Nvml nvml, GpuInventory inventory, Sampler sampler, ExporterServer server) {
    this.nvml = nvml;
    this.inventory = inventory;
    this.sampler = sampler;
    this.server = server;
  }

  public static Exporter start(ExporterOptions options) {
    Sampler sampler = sampler(options);
    ExporterServer server;
    try {
      server = ExporterServer.start(options, sampler);
    } catch (RuntimeException e) {
      sampler.inventory().close();
      if (sampler.nvml() != null) {
        sampler.nvml().close();
      }
      throw e;
    }
    sampler.start();
    LOG.info("gpu-exporter listening on port " + server.port());
    return new Exporter(sampler.nvml(), sampler.inventory(), sampler, server);
  }

  /**
   * Loads NVML, discovers the GPUs and builds (without starting) the sampler. Also used by the
   * benchmark.
   */
  public static Sampler sampler(ExporterOptions options) {
    NvmlLoader.Result loaded = NvmlLoader.load(options.nvmlLibrary());
    NvmlStatus status;
    GpuInventory inventory;
    Nvml nvml = loaded.nvml();
    if (nvml == null) {
      status = NvmlStatus.unavailable(loaded.library(), loaded.reason());
      inventory = GpuInventory.empty();
      LOG.warning(loaded.reason());
    } else {
      try {
        status =
            new NvmlStatus(true, loaded.library(), nvml.driverVersion(), nvml.nvmlVersion(), null);
        inventory = GpuInventory.discover(nvml, options.interval().toNanos());
        LOG.info(
            "NVML "
                + status.nvmlVersion()
                + ", driver "
                + status.driverVersion()
                + ", "
                + inventory.uuids().size()
                + " GPU(s)");
      } catch (NvmlException e) {
        status = NvmlStatus.unavailable(loaded.library(), "NVML failed: " + e.getMessage());
        inventory = GpuInventory.empty();
        LOG.warning(status.reason());
      }
    }
    GpuAllowList allowList =
        new GpuAllowList(
            options.gpuFilter(),
            options.gpuUuids(),
            options.gpuUuidsFile(),
            options.identity().inPod());
    return new Sampler(
        nvml,
        status,
        inventory,
        allowList,
        new SampleHistory(options.historySamples()),
        options.interval());
  }

  public int port() {
    return server.port();
  }

  public Sampler sampler() {
    return sampler;
  }

  public ExporterServer server() {
    return server;
  }

  @Override
  public void close() {
    server.close();
    sampler.close();
    inventory.close();
    if (nvml != null) {
      nvml.close();
    }
  }
}
