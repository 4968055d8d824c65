package io.qwenops.exporter.server;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.qwenops.exporter.ExporterOptions;
import io.qwenops.exporter.sampling.GpuInfo;
import io.qwenops.exporter.sampling.GpuReading;
import io.qwenops.exporter.sampling.Sample;
import io.qwenops.exporter.sampling.Sampler;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The latest sample under dcgm-exporter's metric names, units and labels, so DCGM dashboards work
 * unchanged. Built at scrape time from the sample every client shares; a metric a GPU does not
 * report has no series (never a fake 0).
 */
final class DcgmCollector implements MultiCollector {

  private static final double MIB = 1024.0 * 1024.0;

  /** One DCGM field: its name, help text and how to get it from a reading (null = absent). */
  private record Field(String name, String help, Function<GpuReading, Number> value) {}

  private static final List<Field> FIELDS =
      List.of(
          new Field("DCGM_FI_DEV_GPU_UTIL", "GPU utilization (in %).", GpuReading::gpuUtilPercent),
          new Field(
              "DCGM_FI_DEV_MEM_COPY_UTIL",
              "Memory utilization (in %).",
              GpuReading::memoryUtilPercent),
          new Field(
              "DCGM_FI_DEV_FB_USED",
              "Framebuffer memory used (in MiB).",
              r -> mib(r.memoryUsedBytes())),
          new Field(
              "DCGM_FI_DEV_FB_FREE",
              "Framebuffer memory free (in MiB).",
              r -> mib(r.memoryFreeBytes())),
          new Field(
              "DCGM_FI_DEV_FB_RESERVED",
              "Framebuffer memory reserved (in MiB).",
              r -> mib(r.memoryReservedBytes())),
          new Field("DCGM_FI_DEV_POWER_USAGE", "Power draw (in W).", GpuReading::powerWatts),
          new Field(
              "DCGM_FI_DEV_POWER_MGMT_LIMIT",
              "Enforced power limit (in W).",
              GpuReading::powerLimitWatts),
          new Field(
              "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION",
              "Total energy consumption since boot (in mJ).",
              r -> r.energyJoules() == null ? null : r.energyJoules() * 1000.0),
          new Field(
              "DCGM_FI_DEV_GPU_TEMP", "GPU temperature (in C).", GpuReading::temperatureCelsius),
          new Field("DCGM_FI_DEV_SM_CLOCK", "SM clock frequency (in MHz).", GpuReading::smClockMhz),
          new Field(
              "DCGM_FI_DEV_MEM_CLOCK",
              "Memory clock frequency (in MHz).",
              GpuReading::memoryClockMhz),
          new Field("DCGM_FI_DEV_FAN_SPEED", "Fan speed (in %).", GpuReading::fanSpeedPercent),
          new Field(
              "DCGM_FI_DEV_XID_ERRORS",
              "Value of the last XID error encountered.",
              r -> r.xidCount() == null ? null : (r.lastXid() == null ? 0L : r.lastXid())),
          new Field(
              "DCGM_FI_PROF_PCIE_TX_BYTES",
              "The rate of data transmitted over the PCIe bus, including protocol headers (in B/s).",
              GpuReading::pcieTxBytesPerSecond),
          new Field(
              "DCGM_FI_PROF_PCIE_RX_BYTES",
              "The rate of data received over the PCIe bus, including protocol headers (in B/s).",
              GpuReading::pcieRxBytesPerSecond),
          new Field(
              "DCGM_FI_DEV_ECC_SBE_VOL_TOTAL",
              "Total number of single-bit volatile ECC errors.",
              GpuReading::eccCorrectedVolatile),
          new Field(
              "DCGM_FI_DEV_ECC_DBE_VOL_TOTAL",
              "Total number of double-bit volatile ECC errors.",
              GpuReading::eccUncorrectedVolatile),
          new Field(
              "qwenops_gpu_xid_errors_count",
              "XID errors seen since the exporter started.",
              GpuReading::xidCount),
          new Field(
              "qwenops_gpu_lost",
              "1 when the GPU has fallen off the bus (GPU_IS_LOST), else 0.",
              r -> r.state() == GpuReading.GpuState.lost ? 1 : 0));

  private final ExporterOptions.Identity identity;
  private final Sampler sampler;

  DcgmCollector(ExporterOptions.Identity identity, Sampler sampler) {
    this.identity = identity;
    this.sampler = sampler;
  }

  private static Double mib(Long bytes) {
    return bytes == null ? null : bytes / MIB;
  }

  @Override
  public MetricSnapshots collect() {
    Optional<Sample> latest = sampler.history().latest();
    if (latest.isEmpty()) {
      return MetricSnapshots.of();
    }
    Map<String, GpuInfo> infos = new HashMap<>();
    for (GpuInfo info : sampler.topology().gpus()) {
      infos.put(info.uuid(), info);
    }
    List<Labels> labels = new ArrayList<>();
    for (GpuReading reading : latest.get().gpus()) {
      labels.add(labels(reading, infos.get(reading.uuid())));
    }
    List<MetricSnapshot> snapshots = new ArrayList<>(FIELDS.size());
    for (Field field : FIELDS) {
      GaugeSnapshot.Builder gauge = GaugeSnapshot.builder().name(field.name()).help(field.help());
      boolean any = false;
      List<GpuReading> gpus = latest.get().gpus();
      for (int i = 0; i < gpus.size(); i++) {
        Number value = field.value().apply(gpus.get(i));
        if (value != null) {
          gauge.dataPoint(
              GaugeSnapshot.GaugeDataPointSnapshot.builder()
                  .labels(labels.get(i))
                  .value(value.doubleValue())
                  .build());
          any = true;
        }
      }
      if (any) {
        snapshots.add(gauge.build());
      }
    }
    return new MetricSnapshots(snapshots);
  }

  private Labels labels(GpuReading reading, GpuInfo info) {
    return Labels.of(
        "gpu", Integer.toString(reading.index()),
        "UUID", reading.uuid(),
        "device", "nvidia" + reading.index(),
        "modelName", info == null ? "" : info.name(),
        "pci_bus_id", info == null ? "" : info.pciBusId(),
        "Hostname", identity.hostname(),
        "container", identity.container(),
        "namespace", identity.namespace(),
        "pod", identity.pod());
  }
}
