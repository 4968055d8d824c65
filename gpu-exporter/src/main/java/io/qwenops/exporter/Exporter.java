package io.qwenops.exporter;

import io.qwenops.exporter.nvml.Nvml;
import io.qwenops.exporter.nvml.NvmlException;
import io.qwenops.exporter.nvml.NvmlLoader;
import io.qwenops.exporter.sampling.GpuInventory;
import io.qwenops.exporter.sampling.GpuSource;
import io.qwenops.exporter.sampling.NvmlStatus;
import io.qwenops.exporter.sampling.SampleHistory;
import io.qwenops.exporter.sampling.Sampler;
import io.qwenops.exporter.server.ExporterServer;
import io.qwenops.exporter.visibility.GpuAllowList;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The running exporter: NVML, the GPU inventory, the sampler and the server, started and stopped
 * together. When NVML is unavailable at start (driver still loading, runtime not configured yet) it
 * keeps trying in the background and switches the sampler over once it loads.
 */
public final class Exporter implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(Exporter.class.getName());

  private final ExporterOptions options;
  private final Sampler sampler;
  private final ExporterServer server;
  private final Thread retry;

  private Exporter(ExporterOptions options, Sampler sampler, ExporterServer server) {
    this.options = options;
    this.sampler = sampler;
    this.server = server;
    this.retry =
        sampler.source().status().available()
            ? null
            : Thread.ofPlatform().daemon().name("nvml-retry").start(this::retryNvml);
  }

  public static Exporter start(ExporterOptions options) {
    Sampler sampler = sampler(options);
    ExporterServer server;
    try {
      server = ExporterServer.start(options, sampler);
    } catch (RuntimeException e) {
      sampler.source().close();
      throw e;
    }
    sampler.start();
    LOG.info("gpu-exporter listening on port " + server.port());
    return new Exporter(options, sampler, server);
  }

  /**
   * Loads NVML, discovers the GPUs and builds (without starting) the sampler. Also used by the
   * benchmark.
   */
  public static Sampler sampler(ExporterOptions options) {
    GpuAllowList allowList =
        new GpuAllowList(
            options.gpuFilter(),
            options.gpuUuids(),
            options.gpuUuidsFile(),
            options.identity().inPod());
    return new Sampler(
        connect(options),
        allowList,
        new SampleHistory(options.historySamples()),
        options.interval());
  }

  /** One attempt at NVML: a source with GPUs, or an unavailable one that says why. */
  static GpuSource connect(ExporterOptions options) {
    NvmlLoader.Result loaded = NvmlLoader.load(options.nvmlLibrary());
    Nvml nvml = loaded.nvml();
    if (nvml == null) {
      // The sampler logs the reason once; the retry loop calls this again and stays quiet.
      return GpuSource.unavailable(NvmlStatus.unavailable(loaded.library(), loaded.reason()));
    }
    try {
      NvmlStatus status =
          new NvmlStatus(true, loaded.library(), nvml.driverVersion(), nvml.nvmlVersion(), null);
      GpuInventory inventory = GpuInventory.discover(nvml, options.interval().toNanos());
      LOG.info(
          "NVML "
              + status.nvmlVersion()
              + ", driver "
              + status.driverVersion()
              + ", "
              + inventory.uuids().size()
              + " GPU(s)");
      return new GpuSource(nvml, status, inventory);
    } catch (NvmlException e) {
      nvml.close();
      String reason = "NVML failed: " + e.getMessage();
      return GpuSource.unavailable(NvmlStatus.unavailable(loaded.library(), reason));
    }
  }

  private void retryNvml() {
    long periodMs = options.nvmlRetry().toMillis();
    String lastFailure = null;
    while (true) {
      try {
        Thread.sleep(periodMs);
      } catch (InterruptedException e) {
        return;
      }
      try {
        GpuSource source = connect(options);
        if (source.status().available()) {
          sampler.attach(source);
          return;
        }
      } catch (RuntimeException | LinkageError e) {
        // Whatever loading the library throws, keep trying; say so once per distinct failure.
        if (!e.toString().equals(lastFailure)) {
          lastFailure = e.toString();
          LOG.log(Level.WARNING, "loading NVML failed, trying again every " + periodMs + " ms", e);
        }
      }
    }
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
    if (retry != null) {
      retry.interrupt();
    }
    server.close();
    sampler.close();
    sampler.source().close();
  }
}
