package io.qwenops.exporter.sampling;

import io.qwenops.exporter.nvml.Nvml;
import io.qwenops.exporter.nvml.NvmlDevice;
import io.qwenops.exporter.nvml.NvmlException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Every GPU NVML reports, discovered once at start: static facts, a reader per GPU, and the helper
 * threads (PCIe, XID) that feed the readers. The UUID filter later picks which of these are shown.
 */
public final class GpuInventory implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(GpuInventory.class.getName());

  private final List<DeviceReader> readers;
  private final PcieReader pcie;
  private final Optional<XidWatcher> xid;
  private final String xidOffReason;

  private GpuInventory(
      List<DeviceReader> readers, PcieReader pcie, Optional<XidWatcher> xid, String xidOffReason) {
    this.readers = readers;
    this.pcie = pcie;
    this.xid = xid;
    this.xidOffReason = xidOffReason;
  }

  /** An inventory with no GPU, for when NVML is unavailable. */
  public static GpuInventory empty() {
    return new GpuInventory(List.of(), null, Optional.empty(), "NVML unavailable");
  }

  /**
   * Discovers the GPUs, probes each metric once (so the capability map is complete before the first
   * client connects) and starts the PCIe and XID threads.
   */
  public static GpuInventory discover(Nvml nvml, long pciePeriodNanos) {
    int count = nvml.deviceCount();
    List<DeviceReader> readers = new ArrayList<>();
    List<NvmlDevice> devices = new ArrayList<>();
    Map<Integer, XidCounter> xidCounters = new HashMap<>();
    PcieReader pcie = new PcieReader(pciePeriodNanos);
    for (int index = 0; index < count; index++) {
      try {
        NvmlDevice device = nvml.device(index);
        GpuInfo info = staticFacts(device);
        Capabilities capabilities = new Capabilities();
        PcieReader.Latest latest = new PcieReader.Latest();
        XidCounter counter = new XidCounter();
        DeviceReader reader = new DeviceReader(device, info, capabilities, latest, counter);
        reader.read(System.nanoTime(), 0);
        PcieReader.Target target = new PcieReader.Target(reader, capabilities, latest);
        try {
          PcieReader.readOnce(target);
        } catch (RuntimeException e) {
          LOG.warning("GPU " + index + ": first PCIe read failed, the reader retries: " + e);
        }
        pcie.add(target);
        readers.add(reader);
        devices.add(device);
        xidCounters.put(index, counter);
      } catch (NvmlException e) {
        LOG.warning(
            "GPU " + index + " could not be read at start and is left out: " + e.getMessage());
      }
    }
    Optional<XidWatcher> xid = Optional.empty();
    String xidOffReason = null;
    try {
      xid = Optional.of(XidWatcher.start(nvml, devices, xidCounters));
    } catch (NvmlException e) {
      xidOffReason = "XID events unavailable: " + e.getMessage();
      LOG.warning(xidOffReason);
    }
    List<Integer> watched = xid.map(XidWatcher::deviceIndexes).orElse(List.of());
    for (DeviceReader reader : readers) {
      if (!watched.contains(reader.info().index())) {
        reader.markXidUnsupported();
      }
    }
    pcie.start();
    return new GpuInventory(List.copyOf(readers), pcie, xid, xidOffReason);
  }

  private static GpuInfo staticFacts(NvmlDevice device) {
    String uuid = device.uuid();
    String name = device.name();
    String pciBusId = device.pciBusId();
    Long total = null;
    Double limit = null;
    try {
      total = device.memory().total();
    } catch (NvmlException e) {
      if (e.gpuLost()) {
        throw e;
      }
    }
    try {
      limit = Integer.toUnsignedLong(device.enforcedPowerLimitMilliwatts()) / 1000.0;
    } catch (NvmlException e) {
      if (e.gpuLost()) {
        throw e;
      }
    }
    return new GpuInfo(device.index(), uuid, name, pciBusId, total, limit, Map.of());
  }

  List<DeviceReader> readers() {
    return readers;
  }

  /** The helper threads' state: {@code pcie} and {@code xid}. */
  public Map<String, ReaderStatus> readerStatuses() {
    Map<String, ReaderStatus> statuses = new LinkedHashMap<>();
    statuses.put("pcie", pcie == null ? ReaderStatus.off("NVML unavailable") : pcie.status());
    statuses.put("xid", xid.map(XidWatcher::status).orElse(ReaderStatus.off(xidOffReason)));
    return statuses;
  }

  public List<String> uuids() {
    return readers.stream().map(DeviceReader::uuid).toList();
  }

  @Override
  public void close() {
    if (pcie != null) {
      pcie.close();
    }
    xid.ifPresent(XidWatcher::close);
  }
}
