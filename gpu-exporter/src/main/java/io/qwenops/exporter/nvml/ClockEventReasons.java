package io.qwenops.exporter.nvml;

import java.util.ArrayList;
import java.util.List;

/** Decodes the nvmlClocksEventReason bit mask into names a dashboard can show. */
public final class ClockEventReasons {

  private static final String[] NAMES = {
    "gpu_idle", // 0x1
    "applications_clocks_setting", // 0x2
    "sw_power_cap", // 0x4
    "hw_slowdown", // 0x8
    "sync_boost", // 0x10
    "sw_thermal_slowdown", // 0x20
    "hw_thermal_slowdown", // 0x40
    "hw_power_brake_slowdown", // 0x80
    "display_clock_setting", // 0x100
  };

  private ClockEventReasons() {}

  /** Names of the set bits, lowest first; bits NVML may add later appear as {@code bit_N}. */
  public static List<String> decode(long mask) {
    List<String> names = new ArrayList<>(Long.bitCount(mask));
    for (int bit = 0; bit < 64; bit++) {
      if ((mask & (1L << bit)) != 0) {
        names.add(bit < NAMES.length ? NAMES[bit] : "bit_" + bit);
      }
    }
    return names;
  }
}
