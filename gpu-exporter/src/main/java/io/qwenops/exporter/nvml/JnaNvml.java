package io.qwenops.exporter.nvml;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@link Nvml} over the JNA declarations in {@link NvmlLibrary}. NVML itself is thread-safe. */
public final class JnaNvml implements Nvml {

  /** NVML_VALUE_NOT_AVAILABLE for unsigned long long fields. */
  private static final long VALUE_NOT_AVAILABLE = -1L;

  private static final int PROCESS_LIST_RETRIES = 4;

  private final NvmlLibrary lib;
  private final Symbols symbols;

  private JnaNvml(NvmlLibrary lib, Symbols symbols) {
    this.lib = lib;
    this.symbols = symbols;
  }

  /**
   * Loads the library at {@code libraryName} (a soname searched the usual way, or a path) and
   * initialises NVML.
   *
   * @throws UnsatisfiedLinkError when the library cannot be loaded
   * @throws NvmlException when nvmlInit fails (e.g. the driver is not loaded)
   */
  public static JnaNvml open(String libraryName) {
    NativeLibrary nativeLibrary = NativeLibrary.getInstance(libraryName);
    NvmlLibrary lib = Native.load(libraryName, NvmlLibrary.class);
    Symbols symbols = Symbols.probe(nativeLibrary);
    JnaNvml nvml = new JnaNvml(lib, symbols);
    int rc = symbols.initV2 ? lib.nvmlInit_v2() : lib.nvmlInit();
    nvml.check(symbols.initV2 ? "nvmlInit_v2" : "nvmlInit", rc);
    return nvml;
  }

  /** Which versioned entry points the loaded library exports. */
  record Symbols(
      boolean initV2,
      boolean countV2,
      boolean handleV2,
      boolean pciV3,
      boolean memoryV2,
      boolean clocksEventReasons,
      boolean processesV3,
      boolean eventWaitV2) {

    static Symbols probe(NativeLibrary library) {
      return new Symbols(
          has(library, "nvmlInit_v2"),
          has(library, "nvmlDeviceGetCount_v2"),
          has(library, "nvmlDeviceGetHandleByIndex_v2"),
          has(library, "nvmlDeviceGetPciInfo_v3"),
          has(library, "nvmlDeviceGetMemoryInfo_v2"),
          has(library, "nvmlDeviceGetCurrentClocksEventReasons"),
          has(library, "nvmlDeviceGetComputeRunningProcesses_v3"),
          has(library, "nvmlEventSetWait_v2"));
    }

    private static boolean has(NativeLibrary library, String symbol) {
      try {
        library.getFunction(symbol);
        return true;
      } catch (UnsatisfiedLinkError missing) {
        return false;
      }
    }
  }

  void check(String function, int rc) {
    if (rc != NvmlLibrary.SUCCESS) {
      throw new NvmlException(function, rc, describe(rc));
    }
  }

  private String describe(int rc) {
    try {
      String text = lib.nvmlErrorString(rc);
      return text == null ? NvmlReturn.name(rc) : text;
    } catch (RuntimeException | UnsatisfiedLinkError e) {
      return NvmlReturn.name(rc);
    }
  }

  private static String cString(byte[] buffer) {
    int end = 0;
    while (end < buffer.length && buffer[end] != 0) {
      end++;
    }
    return new String(buffer, 0, end, StandardCharsets.UTF_8);
  }

  @Override
  public String driverVersion() {
    byte[] buffer = new byte[NvmlLibrary.SYSTEM_VERSION_BUFFER_SIZE];
    check("nvmlSystemGetDriverVersion", lib.nvmlSystemGetDriverVersion(buffer, buffer.length));
    return cString(buffer);
  }

  @Override
  public String nvmlVersion() {
    byte[] buffer = new byte[NvmlLibrary.SYSTEM_VERSION_BUFFER_SIZE];
    check("nvmlSystemGetNVMLVersion", lib.nvmlSystemGetNVMLVersion(buffer, buffer.length));
    return cString(buffer);
  }

  @Override
  public int deviceCount() {
    IntByReference count = new IntByReference();
    if (symbols.countV2) {
      check("nvmlDeviceGetCount_v2", lib.nvmlDeviceGetCount_v2(count));
    } else {
      check("nvmlDeviceGetCount", lib.nvmlDeviceGetCount(count));
    }
    return count.getValue();
  }

  @Override
  public NvmlDevice device(int index) {
    PointerByReference handle = new PointerByReference();
    if (symbols.handleV2) {
      check("nvmlDeviceGetHandleByIndex_v2", lib.nvmlDeviceGetHandleByIndex_v2(index, handle));
    } else {
      check("nvmlDeviceGetHandleByIndex", lib.nvmlDeviceGetHandleByIndex(index, handle));
    }
    return new Device(index, handle.getValue());
  }

  @Override
  public XidEvents xidEvents(List<NvmlDevice> devices) {
    PointerByReference setRef = new PointerByReference();
    check("nvmlEventSetCreate", lib.nvmlEventSetCreate(setRef));
    Pointer set = setRef.getValue();
    List<Device> registered = new ArrayList<>(); // devices that cannot report XIDs are left out
    for (NvmlDevice device : devices) {
      Device d = (Device) device;
      int rc =
          lib.nvmlDeviceRegisterEvents(d.handle, NvmlLibrary.EVENT_TYPE_XID_CRITICAL_ERROR, set);
      if (rc == NvmlLibrary.SUCCESS) {
        registered.add(d);
      } else if (rc != NvmlLibrary.ERROR_NOT_SUPPORTED) {
        lib.nvmlEventSetFree(set);
        check("nvmlDeviceRegisterEvents", rc);
      }
    }
    return new EventSet(set, registered);
  }

  @Override
  public void close() {
    lib.nvmlShutdown();
  }

  private final class EventSet implements XidEvents {
    private final Pointer set;
    private final List<Device> devices;

    EventSet(Pointer set, List<Device> devices) {
      this.set = set;
      this.devices = devices;
    }

    @Override
    public List<Integer> deviceIndexes() {
      return devices.stream().map(d -> d.index).toList();
    }

    @Override
    public Optional<XidEvent> await(int timeoutMs) {
      NvmlLibrary.EventData data = new NvmlLibrary.EventData();
      int rc =
          symbols.eventWaitV2
              ? lib.nvmlEventSetWait_v2(set, data, timeoutMs)
              : lib.nvmlEventSetWait(set, data, timeoutMs);
      if (rc == NvmlLibrary.ERROR_TIMEOUT) {
        return Optional.empty();
      }
      check("nvmlEventSetWait", rc);
      if ((data.eventType & NvmlLibrary.EVENT_TYPE_XID_CRITICAL_ERROR) == 0) {
        return Optional.empty();
      }
      for (Device device : devices) {
        if (device.handle.equals(data.device)) {
          return Optional.of(new XidEvent(device.index, data.eventData));
        }
      }
      return Optional.empty();
    }

    @Override
    public void close() {
      lib.nvmlEventSetFree(set);
    }
  }

  private final class Device implements NvmlDevice {
    private final int index;
    private final Pointer handle;
    private volatile boolean memoryV1Only;

    Device(int index, Pointer handle) {
      this.index = index;
      this.handle = handle;
    }

    @Override
    public int index() {
      return index;
    }

    @Override
    public String uuid() {
      byte[] buffer = new byte[NvmlLibrary.DEVICE_UUID_V2_BUFFER_SIZE];
      check("nvmlDeviceGetUUID", lib.nvmlDeviceGetUUID(handle, buffer, buffer.length));
      return cString(buffer);
    }

    @Override
    public String name() {
      byte[] buffer = new byte[NvmlLibrary.DEVICE_NAME_V2_BUFFER_SIZE];
      check("nvmlDeviceGetName", lib.nvmlDeviceGetName(handle, buffer, buffer.length));
      return cString(buffer);
    }

    @Override
    public String pciBusId() {
      NvmlLibrary.PciInfo pci = new NvmlLibrary.PciInfo();
      if (symbols.pciV3) {
        check("nvmlDeviceGetPciInfo_v3", lib.nvmlDeviceGetPciInfo_v3(handle, pci));
      } else {
        check("nvmlDeviceGetPciInfo_v2", lib.nvmlDeviceGetPciInfo_v2(handle, pci));
      }
      return cString(pci.busId);
    }

    @Override
    public MemoryInfo memory() {
      if (symbols.memoryV2 && !memoryV1Only) {
        NvmlLibrary.MemoryV2 memory = new NvmlLibrary.MemoryV2();
        memory.version = NvmlLibrary.MemoryV2.VERSION_2;
        int rc = lib.nvmlDeviceGetMemoryInfo_v2(handle, memory);
        if (rc == NvmlLibrary.SUCCESS) {
          return new MemoryInfo(memory.total, memory.reserved, memory.free, memory.used);
        }
        if (rc != NvmlLibrary.ERROR_NOT_SUPPORTED
            && rc != NvmlLibrary.ERROR_ARGUMENT_VERSION_MISMATCH) {
          check("nvmlDeviceGetMemoryInfo_v2", rc);
        }
        memoryV1Only = true; // the symbol exists but this GPU or driver answers only v1
      }
      NvmlLibrary.MemoryV1 memory = new NvmlLibrary.MemoryV1();
      check("nvmlDeviceGetMemoryInfo", lib.nvmlDeviceGetMemoryInfo(handle, memory));
      return new MemoryInfo(memory.total, null, memory.free, memory.used);
    }

    @Override
    public Utilization utilization() {
      NvmlLibrary.Utilization rates = new NvmlLibrary.Utilization();
      check("nvmlDeviceGetUtilizationRates", lib.nvmlDeviceGetUtilizationRates(handle, rates));
      return new Utilization(rates.gpu, rates.memory);
    }

    @Override
    public int powerUsageMilliwatts() {
      IntByReference value = new IntByReference();
      check("nvmlDeviceGetPowerUsage", lib.nvmlDeviceGetPowerUsage(handle, value));
      return value.getValue();
    }

    @Override
    public int enforcedPowerLimitMilliwatts() {
      IntByReference value = new IntByReference();
      check("nvmlDeviceGetEnforcedPowerLimit", lib.nvmlDeviceGetEnforcedPowerLimit(handle, value));
      return value.getValue();
    }

    @Override
    public long totalEnergyMillijoules() {
      LongByReference value = new LongByReference();
      check(
          "nvmlDeviceGetTotalEnergyConsumption",
          lib.nvmlDeviceGetTotalEnergyConsumption(handle, value));
      return value.getValue();
    }

    @Override
    public int temperatureCelsius() {
      IntByReference value = new IntByReference();
      check(
          "nvmlDeviceGetTemperature",
          lib.nvmlDeviceGetTemperature(handle, NvmlLibrary.TEMPERATURE_GPU, value));
      return value.getValue();
    }

    @Override
    public int pcieThroughputKilobytesPerSecond(boolean transmit) {
      IntByReference value = new IntByReference();
      int counter = transmit ? NvmlLibrary.PCIE_UTIL_TX_BYTES : NvmlLibrary.PCIE_UTIL_RX_BYTES;
      check("nvmlDeviceGetPcieThroughput", lib.nvmlDeviceGetPcieThroughput(handle, counter, value));
      return value.getValue();
    }

    @Override
    public int smClockMhz() {
      return clock(NvmlLibrary.CLOCK_SM);
    }

    @Override
    public int memoryClockMhz() {
      return clock(NvmlLibrary.CLOCK_MEM);
    }

    private int clock(int type) {
      IntByReference value = new IntByReference();
      check("nvmlDeviceGetClockInfo", lib.nvmlDeviceGetClockInfo(handle, type, value));
      return value.getValue();
    }

    @Override
    public int fanSpeedPercent() {
      IntByReference value = new IntByReference();
      check("nvmlDeviceGetFanSpeed", lib.nvmlDeviceGetFanSpeed(handle, value));
      return value.getValue();
    }

    @Override
    public long clockEventReasons() {
      LongByReference value = new LongByReference();
      if (symbols.clocksEventReasons) {
        check(
            "nvmlDeviceGetCurrentClocksEventReasons",
            lib.nvmlDeviceGetCurrentClocksEventReasons(handle, value));
      } else {
        check(
            "nvmlDeviceGetCurrentClocksThrottleReasons",
            lib.nvmlDeviceGetCurrentClocksThrottleReasons(handle, value));
      }
      return value.getValue();
    }

    @Override
    public long volatileEccErrors(boolean uncorrected) {
      LongByReference value = new LongByReference();
      int type =
          uncorrected ? NvmlLibrary.MEMORY_ERROR_UNCORRECTED : NvmlLibrary.MEMORY_ERROR_CORRECTED;
      check(
          "nvmlDeviceGetTotalEccErrors",
          lib.nvmlDeviceGetTotalEccErrors(handle, type, NvmlLibrary.VOLATILE_ECC, value));
      return value.getValue();
    }

    @Override
    public List<ProcessMemory> computeProcesses() {
      if (!symbols.processesV3) {
        throw new NvmlException(
            "nvmlDeviceGetComputeRunningProcesses_v3",
            NvmlLibrary.ERROR_FUNCTION_NOT_FOUND,
            "this driver predates the v3 process query");
      }
      IntByReference count = new IntByReference(0);
      int rc = lib.nvmlDeviceGetComputeRunningProcesses_v3(handle, count, null);
      // The list can grow between the size query and the read: ask again with the new size.
      for (int attempt = 0; rc == NvmlLibrary.ERROR_INSUFFICIENT_SIZE; attempt++) {
        if (attempt == PROCESS_LIST_RETRIES) {
          break;
        }
        int capacity = count.getValue() + 2;
        int stride = new NvmlLibrary.ProcessInfo().size();
        Memory infos = new Memory((long) capacity * stride);
        count.setValue(capacity);
        rc = lib.nvmlDeviceGetComputeRunningProcesses_v3(handle, count, infos);
        if (rc == NvmlLibrary.SUCCESS) {
          return readProcesses(infos, count.getValue(), stride);
        }
      }
      check("nvmlDeviceGetComputeRunningProcesses_v3", rc);
      return List.of();
    }

    private List<ProcessMemory> readProcesses(Pointer infos, int count, int stride) {
      List<ProcessMemory> processes = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        NvmlLibrary.ProcessInfo info = new NvmlLibrary.ProcessInfo(infos.share((long) i * stride));
        info.read();
        long used = info.usedGpuMemory;
        processes.add(
            new ProcessMemory(
                Integer.toUnsignedLong(info.pid), used == VALUE_NOT_AVAILABLE ? null : used));
      }
      return processes;
    }
  }
}
