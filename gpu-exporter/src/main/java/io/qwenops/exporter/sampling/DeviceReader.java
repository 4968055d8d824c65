package io.qwenops.exporter.sampling;

import io.qwenops.exporter.nvml.ClockEventReasons;
import io.qwenops.exporter.nvml.NvmlDevice;
import io.qwenops.exporter.nvml.NvmlException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Reads one GPU each tick. Each metric is asked through {@link #attempt}, which turns NOT_SUPPORTED
 * into an absent value (and stops asking), GPU_IS_LOST into a lost GPU, and any other error into a
 * null for this tick only. Called from the sampler thread only (the PCIe figures come from {@link
 * PcieReader}).
 */
final class DeviceReader {

  private final NvmlDevice device;
  private final GpuInfo info;
  private final Capabilities capabilities;
  private final PcieReader.Latest pcie;
  private final XidCounter xid;

  private volatile String lostReason;
  private String tickError;
  private long previousEnergyMj = -1;
  private long previousEnergyNanos;

  DeviceReader(
      NvmlDevice device,
      GpuInfo info,
      Capabilities capabilities,
      PcieReader.Latest pcie,
      XidCounter xid) {
    this.device = device;
    this.info = info;
    this.capabilities = capabilities;
    this.pcie = pcie;
    this.xid = xid;
  }

  NvmlDevice device() {
    return device;
  }

  String uuid() {
    return info.uuid();
  }

  boolean lost() {
    return lostReason != null;
  }

  void markLost(String reason) {
    if (lostReason == null) {
      lostReason = reason;
    }
  }

  void markXidUnsupported() {
    capabilities.set(Capabilities.XID, false);
  }

  GpuInfo info() {
    return new GpuInfo(
        info.index(),
        info.uuid(),
        info.name(),
        info.pciBusId(),
        info.memoryTotalBytes(),
        info.powerLimitWatts(),
        capabilities.view());
  }

  /**
   * One reading; {@code nowNanos} is the tick's monotonic time, {@code staleAfterNanos} bounds
   * PCIe's age.
   */
  GpuReading read(long nowNanos, long staleAfterNanos) {
    if (lost()) {
      return GpuReading.lost(info.index(), info.uuid(), lostReason, xid.snapshot());
    }
    tickError = null;
    try {
      return readAll(nowNanos, staleAfterNanos);
    } catch (GpuLost lost) {
      markLost(lost.getMessage());
      return GpuReading.lost(info.index(), info.uuid(), lostReason, xid.snapshot());
    }
  }

  private GpuReading readAll(long nowNanos, long staleAfterNanos) {
    NvmlDevice.MemoryInfo memory = attempt(Capabilities.MEMORY, device::memory);
    if (memory != null) {
      capabilities.set(Capabilities.MEMORY_RESERVED, memory.reserved() != null);
    }
    NvmlDevice.Utilization util = attempt(Capabilities.UTILIZATION, device::utilization);
    Integer powerLimitMw = attempt(Capabilities.POWER_LIMIT, device::enforcedPowerLimitMilliwatts);
    Long energyMj = attempt(Capabilities.ENERGY, device::totalEnergyMillijoules);
    // Time the counter itself, not the tick: a tick delayed by a busy CPU would skew the rate.
    long energyNanos = System.nanoTime();
    Double powerWatts = null;
    GpuReading.PowerSource powerSource = null;
    if (energyMj != null && previousEnergyMj >= 0 && energyNanos > previousEnergyNanos) {
      powerWatts = (energyMj - previousEnergyMj) / ((energyNanos - previousEnergyNanos) / 1e6);
      powerSource = GpuReading.PowerSource.energy;
    }
    if (energyMj != null) {
      previousEnergyMj = energyMj;
      previousEnergyNanos = energyNanos;
    }
    if (powerWatts == null) {
      Integer instantMw = attempt(Capabilities.POWER, device::powerUsageMilliwatts);
      if (instantMw != null) {
        powerWatts = Integer.toUnsignedLong(instantMw) / 1000.0;
        powerSource = GpuReading.PowerSource.instant;
      }
    }
    Integer temperature = attempt(Capabilities.TEMPERATURE, device::temperatureCelsius);
    Integer smClock = attempt(Capabilities.SM_CLOCK, device::smClockMhz);
    Integer memClock = attempt(Capabilities.MEMORY_CLOCK, device::memoryClockMhz);
    Integer fan = attempt(Capabilities.FAN, device::fanSpeedPercent);
    Long reasons = attempt(Capabilities.CLOCK_EVENT_REASONS, device::clockEventReasons);
    Long eccCorrected = attempt(Capabilities.ECC, () -> device.volatileEccErrors(false));
    Long eccUncorrected =
        eccCorrected == null
            ? null
            : attempt(Capabilities.ECC, () -> device.volatileEccErrors(true));
    List<NvmlDevice.ProcessMemory> processes =
        attempt(Capabilities.PROCESSES, device::computeProcesses);
    PcieReader.Rates rates = pcie.fresh(nowNanos, staleAfterNanos);
    XidCounter.Snapshot xids = null;
    if (!capabilities.unsupported(Capabilities.XID)) {
      capabilities.set(Capabilities.XID, true);
      xids = xid.snapshot();
    }
    return new GpuReading(
        info.index(),
        info.uuid(),
        GpuReading.GpuState.ok,
        tickError,
        memory == null ? null : memory.total(),
        memory == null ? null : memory.used(),
        memory == null ? null : memory.free(),
        memory == null ? null : memory.reserved(),
        util == null ? null : util.gpuPercent(),
        util == null ? null : util.memoryPercent(),
        powerWatts,
        powerSource,
        powerLimitMw == null ? null : Integer.toUnsignedLong(powerLimitMw) / 1000.0,
        energyMj == null ? null : energyMj / 1000.0,
        temperature,
        rates == null ? null : rates.txBytesPerSecond(),
        rates == null ? null : rates.rxBytesPerSecond(),
        smClock,
        memClock,
        fan,
        reasons == null ? null : ClockEventReasons.decode(reasons),
        eccCorrected,
        eccUncorrected,
        xids == null ? null : xids.count(),
        xids == null ? null : xids.last(),
        processes == null ? null : toProcesses(processes));
  }

  private static List<GpuReading.GpuProcess> toProcesses(List<NvmlDevice.ProcessMemory> list) {
    List<GpuReading.GpuProcess> out = new ArrayList<>(list.size());
    for (NvmlDevice.ProcessMemory p : list) {
      out.add(new GpuReading.GpuProcess(p.pid(), p.usedBytes()));
    }
    return out;
  }

  private <T> T attempt(String capability, Supplier<T> call) {
    if (capabilities.unsupported(capability)) {
      return null;
    }
    try {
      T value = call.get();
      capabilities.set(capability, true);
      return value;
    } catch (NvmlException e) {
      if (e.notSupported()) {
        capabilities.set(capability, false);
        return null;
      }
      if (e.gpuLost()) {
        throw new GpuLost(e.getMessage());
      }
      tickError = e.getMessage();
      return null;
    }
  }

  /** Unwinds a tick's reads as soon as the GPU is gone. */
  private static final class GpuLost extends RuntimeException {
    GpuLost(String message) {
      super(message, null, false, false);
    }
  }
}
