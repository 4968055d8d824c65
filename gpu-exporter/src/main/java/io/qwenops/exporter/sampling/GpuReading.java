package io.qwenops.exporter.sampling;

import java.util.List;

/**
 * One GPU at one tick. A null field means "not measured": the GPU does not support it (see the
 * capability map in the hello frame), the GPU is lost, or the read failed this tick ({@code error}
 * says which call).
 */
public record GpuReading(
    int index,
    String uuid,
    GpuState state,
    String error,
    Long memoryTotalBytes,
    Long memoryUsedBytes,
    Long memoryFreeBytes,
    Long memoryReservedBytes,
    Integer gpuUtilPercent,
    Integer memoryUtilPercent,
    Double powerWatts,
    PowerSource powerSource,
    Double powerLimitWatts,
    Double energyJoules,
    Integer temperatureCelsius,
    Long pcieTxBytesPerSecond,
    Long pcieRxBytesPerSecond,
    Integer smClockMhz,
    Integer memoryClockMhz,
    Integer fanSpeedPercent,
    List<String> clockEventReasons,
    Long eccCorrectedVolatile,
    Long eccUncorrectedVolatile,
    Long xidCount,
    Long lastXid,
    List<GpuProcess> processes) {

  /** Whether the GPU answered this tick. */
  public enum GpuState {
    ok,
    lost
  }

  /**
   * Where {@code powerWatts} came from: the energy counter's delta (steadier) or the instant
   * reading.
   */
  public enum PowerSource {
    energy,
    instant
  }

  /** A process using the GPU; {@code usedMemoryBytes} is null when the driver cannot tell. */
  public record GpuProcess(long pid, Long usedMemoryBytes) {}

  /** A GPU that fell off the bus: identity only. */
  public static GpuReading lost(int index, String uuid, String error, XidCounter.Snapshot xid) {
    return new GpuReading(
        index,
        uuid,
        GpuState.lost,
        error,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        xid == null ? null : xid.count(),
        xid == null ? null : xid.last(),
        null);
  }
}
