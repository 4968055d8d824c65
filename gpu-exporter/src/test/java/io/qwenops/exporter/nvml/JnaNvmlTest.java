package io.qwenops.exporter.nvml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qwenops.exporter.FakeNvml;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JNA binding against the fake libnvidia-ml.so, loaded the way production loads the driver's.
 */
class JnaNvmlTest {

  @TempDir Path dir;

  private Nvml open(String... settings) {
    NvmlLoader.Result result = NvmlLoader.load(FakeNvml.install(dir, settings).toString());
    assertThat(result.reason()).isNull();
    return result.nvml();
  }

  @Test
  void readsStaticFactsAndVersions() {
    try (Nvml nvml = open("gpus=3")) {
      assertThat(nvml.driverVersion()).isEqualTo("550.54.15-fake");
      assertThat(nvml.nvmlVersion()).isEqualTo("12.550.54.15-fake");
      assertThat(nvml.deviceCount()).isEqualTo(3);
      NvmlDevice gpu2 = nvml.device(2);
      assertThat(gpu2.uuid()).isEqualTo("GPU-00000000-fake-4000-8000-000000000002");
      assertThat(gpu2.name()).isEqualTo("NVIDIA H100 80GB HBM3 (fake)");
      assertThat(gpu2.pciBusId()).isEqualTo("00000000:19:00.0");
    }
  }

  @Test
  void readsMovingValuesInNvmlUnits() throws Exception {
    try (Nvml nvml = open("gpus=1")) {
      NvmlDevice gpu = nvml.device(0);
      NvmlDevice.MemoryInfo memory = gpu.memory();
      assertThat(memory.total()).isEqualTo(80L << 30);
      assertThat(memory.reserved()).isEqualTo(512L << 20);
      assertThat(memory.used() + memory.free() + memory.reserved()).isEqualTo(memory.total());
      assertThat(gpu.enforcedPowerLimitMilliwatts()).isEqualTo(700_000);
      assertThat(gpu.powerUsageMilliwatts()).isBetween(100_000, 500_000);
      assertThat(gpu.temperatureCelsius()).isBetween(35, 80);
      assertThat(gpu.memoryClockMhz()).isEqualTo(2619);
      assertThat(gpu.volatileEccErrors(false)).isEqualTo(3);
      assertThat(gpu.volatileEccErrors(true)).isZero();
      assertThat(ClockEventReasons.decode(gpu.clockEventReasons())).containsExactly("gpu_idle");
      long energy = gpu.totalEnergyMillijoules();
      Thread.sleep(200);
      assertThat(gpu.totalEnergyMillijoules()).isGreaterThan(energy);
    }
  }

  @Test
  void listsComputeProcessesAndRetriesWhenTheListGrows() {
    try (Nvml nvml = open("gpus=2", "processes=2", "processes_grow_once=5")) {
      List<NvmlDevice.ProcessMemory> grown = nvml.device(1).computeProcesses();
      assertThat(grown).hasSize(7);
      assertThat(grown.getFirst()).isEqualTo(new NvmlDevice.ProcessMemory(1100, 1L << 30));
      assertThat(grown)
          .extracting(NvmlDevice.ProcessMemory::pid)
          .containsExactly(1100L, 1101L, 1102L, 1103L, 1104L, 1105L, 1106L);
    }
  }

  @Test
  void noProcessesIsAnEmptyList() {
    try (Nvml nvml = open("processes=0")) {
      assertThat(nvml.device(0).computeProcesses()).isEmpty();
    }
  }

  @Test
  void unsupportedAndLostAreDistinctErrors() {
    try (Nvml nvml = open("gpus=2", "fan_not_supported=1", "lost_gpu=1", "lost_after_calls=1")) {
      assertThatThrownBy(() -> nvml.device(0).fanSpeedPercent())
          .isInstanceOfSatisfying(NvmlException.class, e -> assertThat(e.notSupported()).isTrue())
          .hasMessageContaining("nvmlDeviceGetFanSpeed")
          .hasMessageContaining("NVML_ERROR_NOT_SUPPORTED");
      NvmlDevice gpu1 = nvml.device(1);
      assertThat(gpu1.temperatureCelsius()).isPositive();
      assertThatThrownBy(gpu1::temperatureCelsius)
          .isInstanceOfSatisfying(NvmlException.class, e -> assertThat(e.gpuLost()).isTrue())
          .hasMessageContaining("GPU is lost");
    }
  }

  @Test
  void deliversXidEventsForTheRightGpu() {
    try (Nvml nvml = open("gpus=3", "xid_gpu=2", "xid_code=79", "xid_after_ms=100")) {
      try (Nvml.XidEvents events =
          nvml.xidEvents(List.of(nvml.device(0), nvml.device(1), nvml.device(2)))) {
        Optional<Nvml.XidEvent> event = Optional.empty();
        for (int i = 0; i < 20 && event.isEmpty(); i++) {
          event = events.await(100);
        }
        assertThat(event).contains(new Nvml.XidEvent(2, 79));
        assertThat(events.await(50)).isEmpty();
      }
    }
  }

  @Test
  void anOlderDriverIsReadThroughTheEntryPointsItHas() {
    NvmlLoader.Result result =
        NvmlLoader.load(
            FakeNvml.installOlderDriver(
                    dir, "gpus=2", "xid_gpu=1", "xid_code=13", "xid_after_ms=50")
                .toString());
    assertThat(result.reason()).isNull();
    try (Nvml nvml = result.nvml()) {
      assertThat(nvml.deviceCount()).isEqualTo(2); // nvmlInit, nvmlDeviceGetCount
      NvmlDevice gpu = nvml.device(1); // nvmlDeviceGetHandleByIndex
      assertThat(gpu.pciBusId()).isEqualTo("00000000:18:00.0"); // nvmlDeviceGetPciInfo_v2
      NvmlDevice.MemoryInfo memory = gpu.memory(); // nvmlDeviceGetMemoryInfo (v1)
      assertThat(memory.reserved()).isNull();
      assertThat(memory.used() + memory.free()).isEqualTo(memory.total());
      assertThat(ClockEventReasons.decode(gpu.clockEventReasons())) // ...ThrottleReasons
          .containsExactly("sw_power_cap", "sw_thermal_slowdown");
      assertThatThrownBy(gpu::computeProcesses)
          .isInstanceOfSatisfying(NvmlException.class, e -> assertThat(e.notSupported()).isTrue());
      try (Nvml.XidEvents events = nvml.xidEvents(List.of(nvml.device(0), gpu))) {
        Optional<Nvml.XidEvent> event = Optional.empty();
        for (int i = 0; i < 20 && event.isEmpty(); i++) {
          event = events.await(100); // nvmlEventSetWait (v1)
        }
        assertThat(event).contains(new Nvml.XidEvent(1, 13));
      }
    }
  }

  @Test
  void aMissingLibraryIsAReasonNotACrash() {
    NvmlLoader.Result result = NvmlLoader.load(dir.resolve("nope/libnvidia-ml.so.1").toString());
    assertThat(result.nvml()).isNull();
    assertThat(result.reason())
        .contains("NVML library not found")
        .contains("runtimeClassName: nvidia")
        .contains("NVIDIA_VISIBLE_DEVICES=all");
  }

  @Test
  void aDriverThatIsNotLoadedIsAReasonNotACrash() {
    NvmlLoader.Result result = NvmlLoader.load(FakeNvml.install(dir, "init_error=9").toString());
    assertThat(result.nvml()).isNull();
    assertThat(result.reason())
        .contains("nvmlInit_v2 failed")
        .contains("NVML_ERROR_DRIVER_NOT_LOADED")
        .contains("kernel driver is not loaded");
  }

  @Test
  void clockEventReasonsDecodeEveryKnownBit() {
    assertThat(ClockEventReasons.decode(0x1FF))
        .containsExactly(
            "gpu_idle",
            "applications_clocks_setting",
            "sw_power_cap",
            "hw_slowdown",
            "sync_boost",
            "sw_thermal_slowdown",
            "hw_thermal_slowdown",
            "hw_power_brake_slowdown",
            "display_clock_setting");
    assertThat(ClockEventReasons.decode(0)).isEmpty();
    assertThat(ClockEventReasons.decode(1L << 12)).containsExactly("bit_12");
  }
}
