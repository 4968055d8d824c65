package io.qwenops.exporter.nvml;

import com.sun.jna.Library;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.Structure.FieldOrder;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;

/**
 * Declarations only: the NVML functions, constants and structures the exporter uses, transcribed
 * from nvml.h. Every function returns an {@code nvmlReturn_t}. Versioned symbols sit beside their
 * older names; {@link JnaNvml} picks the newest one the loaded library exports.
 */
public interface NvmlLibrary extends Library {

  // nvmlReturn_t values the exporter acts on.
  int SUCCESS = 0;
  int ERROR_UNINITIALIZED = 1;
  int ERROR_INVALID_ARGUMENT = 2;
  int ERROR_NOT_SUPPORTED = 3;
  int ERROR_NO_PERMISSION = 4;
  int ERROR_NOT_FOUND = 6;
  int ERROR_INSUFFICIENT_SIZE = 7;
  int ERROR_DRIVER_NOT_LOADED = 9;
  int ERROR_TIMEOUT = 10;
  int ERROR_LIBRARY_NOT_FOUND = 12;
  int ERROR_FUNCTION_NOT_FOUND = 13;
  int ERROR_GPU_IS_LOST = 15;
  int ERROR_ARGUMENT_VERSION_MISMATCH = 25;
  int ERROR_UNKNOWN = 999;

  // Buffer sizes (NVML_*_BUFFER_SIZE).
  int SYSTEM_VERSION_BUFFER_SIZE = 80;
  int DEVICE_UUID_V2_BUFFER_SIZE = 96;
  int DEVICE_NAME_V2_BUFFER_SIZE = 96;

  int TEMPERATURE_GPU = 0; // nvmlTemperatureSensors_t
  int CLOCK_SM = 1; // nvmlClockType_t
  int CLOCK_MEM = 2;
  int PCIE_UTIL_TX_BYTES = 0; // nvmlPcieUtilCounter_t
  int PCIE_UTIL_RX_BYTES = 1;
  int MEMORY_ERROR_CORRECTED = 0; // nvmlMemoryErrorType_t
  int MEMORY_ERROR_UNCORRECTED = 1;
  int VOLATILE_ECC = 0; // nvmlEccCounterType_t
  long EVENT_TYPE_XID_CRITICAL_ERROR = 0x8L;

  int nvmlInit_v2();

  int nvmlInit();

  int nvmlShutdown();

  String nvmlErrorString(int result);

  int nvmlSystemGetDriverVersion(byte[] version, int length);

  int nvmlSystemGetNVMLVersion(byte[] version, int length);

  int nvmlDeviceGetCount_v2(IntByReference count);

  int nvmlDeviceGetCount(IntByReference count);

  int nvmlDeviceGetHandleByIndex_v2(int index, PointerByReference device);

  int nvmlDeviceGetHandleByIndex(int index, PointerByReference device);

  int nvmlDeviceGetUUID(Pointer device, byte[] uuid, int length);

  int nvmlDeviceGetName(Pointer device, byte[] name, int length);

  int nvmlDeviceGetPciInfo_v3(Pointer device, PciInfo pci);

  int nvmlDeviceGetPciInfo_v2(Pointer device, PciInfo pci);

  int nvmlDeviceGetMemoryInfo_v2(Pointer device, MemoryV2 memory);

  int nvmlDeviceGetMemoryInfo(Pointer device, MemoryV1 memory);

  int nvmlDeviceGetUtilizationRates(Pointer device, Utilization utilization);

  /** Milliwatts. */
  int nvmlDeviceGetPowerUsage(Pointer device, IntByReference milliwatts);

  /** Milliwatts. */
  int nvmlDeviceGetEnforcedPowerLimit(Pointer device, IntByReference milliwatts);

  /** Millijoules since the driver was last reloaded. */
  int nvmlDeviceGetTotalEnergyConsumption(Pointer device, LongByReference millijoules);

  int nvmlDeviceGetTemperature(Pointer device, int sensor, IntByReference celsius);

  /** KB/s over a ~20 ms window: the call blocks that long. */
  int nvmlDeviceGetPcieThroughput(Pointer device, int counter, IntByReference kilobytesPerSecond);

  int nvmlDeviceGetClockInfo(Pointer device, int clockType, IntByReference mhz);

  int nvmlDeviceGetFanSpeed(Pointer device, IntByReference percent);

  int nvmlDeviceGetCurrentClocksEventReasons(Pointer device, LongByReference reasons);

  int nvmlDeviceGetCurrentClocksThrottleReasons(Pointer device, LongByReference reasons);

  int nvmlDeviceGetTotalEccErrors(
      Pointer device, int errorType, int counterType, LongByReference count);

  /**
   * {@code infos} is an array of {@link ProcessInfo} laid out contiguously, or null to ask the
   * size.
   */
  int nvmlDeviceGetComputeRunningProcesses_v3(Pointer device, IntByReference count, Pointer infos);

  int nvmlEventSetCreate(PointerByReference set);

  int nvmlDeviceRegisterEvents(Pointer device, long eventTypes, Pointer set);

  int nvmlEventSetWait_v2(Pointer set, EventData data, int timeoutMs);

  int nvmlEventSetWait(Pointer set, EventData data, int timeoutMs);

  int nvmlEventSetFree(Pointer set);

  /** nvmlPciInfo_t (the v2/v3 layout). */
  @FieldOrder({"busIdLegacy", "domain", "bus", "device", "pciDeviceId", "pciSubSystemId", "busId"})
  class PciInfo extends Structure {
    public byte[] busIdLegacy =
        new byte[16]; // char busIdLegacy[NVML_DEVICE_PCI_BUS_ID_BUFFER_V2_SIZE]
    public int domain; // unsigned int domain
    public int bus; // unsigned int bus
    public int device; // unsigned int device
    public int pciDeviceId; // unsigned int pciDeviceId (device id << 16 | vendor id)
    public int pciSubSystemId; // unsigned int pciSubSystemId
    public byte[] busId = new byte[32]; // char busId[NVML_DEVICE_PCI_BUS_ID_BUFFER_SIZE]
  }

  /** nvmlMemory_t: bytes. */
  @FieldOrder({"total", "free", "used"})
  class MemoryV1 extends Structure {
    public long total; // unsigned long long total
    public long free; // unsigned long long free
    public long used; // unsigned long long used (includes what the driver reserves)
  }

  /** nvmlMemory_v2_t: bytes; {@code version} must be set before the call. */
  @FieldOrder({"version", "total", "reserved", "free", "used"})
  class MemoryV2 extends Structure {
    /** nvmlMemory_v2 = NVML_STRUCT_VERSION(Memory, 2) = sizeof(nvmlMemory_v2_t) | 2 << 24. */
    public static final int VERSION_2 = 40 | (2 << 24);

    public int version; // unsigned int version
    public long total; // unsigned long long total
    public long reserved; // unsigned long long reserved
    public long free; // unsigned long long free
    public long used; // unsigned long long used
  }

  /** nvmlUtilization_t: percent over the driver's last sample period. */
  @FieldOrder({"gpu", "memory"})
  class Utilization extends Structure {
    public int gpu; // unsigned int gpu
    public int memory; // unsigned int memory
  }

  /** nvmlProcessInfo_t (what the _v3 process queries fill). */
  @FieldOrder({"pid", "usedGpuMemory", "gpuInstanceId", "computeInstanceId"})
  class ProcessInfo extends Structure {
    public int pid; // unsigned int pid
    public long
        usedGpuMemory; // unsigned long long usedGpuMemory (NVML_VALUE_NOT_AVAILABLE if unknown)
    public int gpuInstanceId; // unsigned int gpuInstanceId (0xFFFFFFFF when not MIG)
    public int computeInstanceId; // unsigned int computeInstanceId

    public ProcessInfo() {}

    public ProcessInfo(Pointer memory) {
      super(memory);
    }
  }

  /** nvmlEventData_t. */
  @FieldOrder({"device", "eventType", "eventData", "gpuInstanceId", "computeInstanceId"})
  class EventData extends Structure {
    public Pointer device; // nvmlDevice_t device
    public long eventType; // unsigned long long eventType
    public long eventData; // unsigned long long eventData (the XID code for XID events)
    public int gpuInstanceId; // unsigned int gpuInstanceId (since the _v2 wait)
    public int computeInstanceId; // unsigned int computeInstanceId
  }
}
