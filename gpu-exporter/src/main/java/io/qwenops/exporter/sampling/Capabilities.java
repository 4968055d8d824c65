package io.qwenops.exporter.sampling;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which metrics a GPU reports. A metric starts unknown, becomes supported on its first success and
 * unsupported on NOT_SUPPORTED; an unsupported metric is never asked again (it costs a driver call
 * per tick for nothing).
 */
final class Capabilities {

  static final String MEMORY = "memory";
  static final String MEMORY_RESERVED = "memoryReserved";
  static final String UTILIZATION = "utilization";
  static final String POWER = "power";
  static final String POWER_LIMIT = "powerLimit";
  static final String ENERGY = "energy";
  static final String TEMPERATURE = "temperature";
  static final String PCIE = "pcie";
  static final String SM_CLOCK = "smClock";
  static final String MEMORY_CLOCK = "memoryClock";
  static final String FAN = "fan";
  static final String CLOCK_EVENT_REASONS = "clockEventReasons";
  static final String ECC = "ecc";
  static final String PROCESSES = "processes";
  static final String XID = "xid";

  private final Map<String, Boolean> known = new LinkedHashMap<>();

  synchronized boolean unsupported(String metric) {
    return Boolean.FALSE.equals(known.get(metric));
  }

  synchronized void set(String metric, boolean supported) {
    known.put(metric, supported);
  }

  synchronized Map<String, Boolean> view() {
    return Collections.unmodifiableMap(new LinkedHashMap<>(known));
  }
}
