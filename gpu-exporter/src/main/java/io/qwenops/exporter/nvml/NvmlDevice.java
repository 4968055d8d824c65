package io.qwenops.exporter.nvml;

import java.util.List;

/** One GPU as NVML reports it. Units are NVML's own; the sampler converts. */
public interface NvmlDevice {

  int index();

  String uuid();

  String name();

  /** The domain:bus:device.function id, e.g. {@code 00000000:17:00.0}. */
  String pciBusId();

  MemoryInfo memory();

  Utilization utilization();

  int powerUsageMilliwatts();

  int enforcedPowerLimitMilliwatts();

  long totalEnergyMillijoules();

  int temperatureCelsius();

  /** Blocks for about 20 ms in the driver. */
  int pcieThroughputKilobytesPerSecond(boolean transmit);

  int smClockMhz();

  int memoryClockMhz();

  int fanSpeedPercent();

  long clockEventReasons();

  long volatileEccErrors(boolean uncorrected);

  List<ProcessMemory> computeProcesses();

  /** Bytes; {@code reserved} is null when only the v1 query exists. */
  record MemoryInfo(long total, Long reserved, long free, long used) {}

  record Utilization(int gpuPercent, int memoryPercent) {}

  /**
   * A process using this GPU; {@code usedBytes} is null when the driver cannot tell (e.g. no
   * permission).
   */
  record ProcessMemory(long pid, Long usedBytes) {}
}
