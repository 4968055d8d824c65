package io.qwenops.exporter.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.qwenops.exporter.FakeNvml;
import io.qwenops.exporter.nvml.Nvml;
import io.qwenops.exporter.nvml.NvmlLoader;
import io.qwenops.exporter.visibility.GpuAllowList;
import io.qwenops.exporter.visibility.GpuFilterMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sampler against the fake NVML, ticked by hand (the scheduled cadence is tested over the
 * socket).
 */
class SamplerTest {

  @TempDir Path dir;
  private final List<AutoCloseable> open = new ArrayList<>();

  private Sampler sampler(String... settings) {
    return sampler(FakeNvml.install(dir, settings));
  }

  private Sampler sampler(Path library) {
    Nvml nvml = NvmlLoader.load(library.toString()).nvml();
    GpuInventory inventory = GpuInventory.discover(nvml, Duration.ofMillis(100).toNanos());
    open.add(nvml);
    open.add(inventory);
    NvmlStatus status =
        new NvmlStatus(true, "fake", nvml.driverVersion(), nvml.nvmlVersion(), null);
    return new Sampler(
        new GpuSource(nvml, status, inventory),
        new GpuAllowList(GpuFilterMode.off, "", null, false),
        new SampleHistory(100),
        Duration.ofMillis(100));
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : open.reversed()) {
      c.close();
    }
  }

  @Test
  void unsupportedMetricsAreNullAndFalseInTheCapabilityMapNeverZero() {
    Sampler sampler = sampler("gpus=2", "pcie_not_supported=1", "fan_not_supported=1");
    GpuReading gpu = sampler.tick().gpus().get(0);
    assertThat(gpu.fanSpeedPercent()).isNull();
    assertThat(gpu.pcieTxBytesPerSecond()).isNull();
    assertThat(gpu.pcieRxBytesPerSecond()).isNull();
    assertThat(gpu.temperatureCelsius()).isNotNull();
    assertThat(gpu.error()).isNull();
    GpuInfo info = sampler.topology().gpus().get(0);
    assertThat(info.capabilities())
        .containsEntry("fan", false)
        .containsEntry("pcie", false)
        .containsEntry("temperature", true)
        .containsEntry("memoryReserved", true)
        .containsEntry("energy", true)
        .containsEntry("xid", true);
  }

  @Test
  void readsEveryMetricWithValuesThatMove() throws Exception {
    Sampler sampler = sampler("gpus=3");
    Sample first = sampler.tick();
    Thread.sleep(300); // PCIe figures arrive from their own thread
    Sample second = sampler.tick();
    assertThat(second.seq()).isEqualTo(first.seq() + 1);
    assertThat(second.monoMs()).isGreaterThanOrEqualTo(first.monoMs() + 300);
    GpuReading a = first.gpus().get(1);
    GpuReading b = second.gpus().get(1);
    assertThat(b.uuid()).isEqualTo("GPU-00000000-fake-4000-8000-000000000001");
    assertThat(b.state()).isEqualTo(GpuReading.GpuState.ok);
    assertThat(b.memoryTotalBytes()).isEqualTo(80L << 30);
    assertThat(b.memoryUsedBytes() + b.memoryFreeBytes() + b.memoryReservedBytes())
        .isEqualTo(b.memoryTotalBytes());
    assertThat(b.energyJoules()).isGreaterThan(a.energyJoules());
    assertThat(b.memoryUsedBytes()).isNotEqualTo(a.memoryUsedBytes());
    assertThat(b.pcieTxBytesPerSecond()).isPositive();
    assertThat(b.pcieRxBytesPerSecond()).isPositive();
    assertThat(b.fanSpeedPercent()).isBetween(30, 90);
    assertThat(b.smClockMhz()).isBetween(345, 1980);
    assertThat(b.memoryClockMhz()).isEqualTo(2619);
    assertThat(b.clockEventReasons()).containsExactly("sw_power_cap", "sw_thermal_slowdown");
    assertThat(b.eccCorrectedVolatile()).isEqualTo(4);
    assertThat(b.eccUncorrectedVolatile()).isZero();
    assertThat(b.processes()).extracting(GpuReading.GpuProcess::pid).containsExactly(1100L, 1101L);
    assertThat(b.xidCount()).isZero();
    assertThat(b.lastXid()).isNull();
  }

  @Test
  void powerComesFromTheEnergyCounterBetweenTicks() throws Exception {
    Sampler sampler = sampler("gpus=1");
    Sample firstSample = sampler.tick();
    Thread.sleep(500);
    Sample secondSample = sampler.tick();
    GpuReading first = firstSample.gpus().get(0);
    GpuReading second = secondSample.gpus().get(0);
    assertThat(first.powerSource())
        .isEqualTo(GpuReading.PowerSource.energy); // after the probe read
    assertThat(second.powerSource()).isEqualTo(GpuReading.PowerSource.energy);
    // The fake's energy is the exact integral of its 100..500 W power curve.
    assertThat(second.powerWatts()).isBetween(80.0, 520.0);
    // Power is the energy delta over the time between the two ticks.
    double elapsed = (second.energyJoules() - first.energyJoules()) / second.powerWatts();
    assertThat(elapsed)
        .isCloseTo((secondSample.monoMs() - firstSample.monoMs()) / 1000.0, within(0.1));
  }

  @Test
  void aLostGpuIsMarkedLostWhileTheOthersKeepReporting() {
    Sampler sampler = sampler("gpus=3", "lost_gpu=1", "lost_after_calls=40");
    GpuReading lost = null;
    for (int i = 0; i < 10 && lost == null; i++) {
      GpuReading gpu1 = sampler.tick().gpus().get(1);
      lost = gpu1.state() == GpuReading.GpuState.lost ? gpu1 : null;
    }
    assertThat(lost).isNotNull();
    assertThat(lost.error()).contains("GPU_IS_LOST");
    assertThat(lost.temperatureCelsius()).isNull();
    Sample later = sampler.tick();
    assertThat(later.gpus().get(1).state()).isEqualTo(GpuReading.GpuState.lost);
    assertThat(later.gpus().get(0).state()).isEqualTo(GpuReading.GpuState.ok);
    assertThat(later.gpus().get(0).temperatureCelsius()).isNotNull();
    assertThat(later.gpus().get(2).memoryUsedBytes()).isNotNull();
  }

  @Test
  void fallsBackToTheV1MemoryQueryAndReportsXidSupportPerGpu() {
    Sampler sampler = sampler("gpus=2", "memory_v2_not_supported=1", "xid_not_supported_gpu=1");
    Sample sample = sampler.tick();
    GpuReading gpu0 = sample.gpus().get(0);
    assertThat(gpu0.memoryTotalBytes()).isEqualTo(80L << 30);
    assertThat(gpu0.memoryUsedBytes() + gpu0.memoryFreeBytes()).isEqualTo(80L << 30);
    assertThat(gpu0.memoryReservedBytes()).isNull();
    assertThat(gpu0.xidCount()).isZero();
    assertThat(sample.gpus().get(1).xidCount()).isNull();
    List<GpuInfo> gpus = sampler.topology().gpus();
    assertThat(gpus.get(0).capabilities())
        .containsEntry("memory", true)
        .containsEntry("memoryReserved", false)
        .containsEntry("xid", true);
    assertThat(gpus.get(1).capabilities()).containsEntry("xid", false);
  }

  @Test
  void onAnOlderDriverWhatItCannotReportIsAbsent() {
    Sampler sampler = sampler(FakeNvml.installOlderDriver(dir, "gpus=1"));
    GpuReading gpu = sampler.tick().gpus().get(0);
    assertThat(gpu.processes()).isNull();
    assertThat(gpu.memoryReservedBytes()).isNull();
    assertThat(gpu.memoryUsedBytes()).isPositive();
    assertThat(gpu.error()).isNull();
    assertThat(sampler.topology().gpus().get(0).capabilities())
        .containsEntry("processes", false)
        .containsEntry("memoryReserved", false)
        .containsEntry("clockEventReasons", true);
  }

  @Test
  void countsXidErrorsFromNvmlEvents() throws Exception {
    Sampler sampler = sampler("gpus=2", "xid_gpu=1", "xid_code=79", "xid_after_ms=50");
    GpuReading gpu1 = null;
    for (int i = 0; i < 40; i++) {
      gpu1 = sampler.tick().gpus().get(1);
      if (gpu1.xidCount() > 0) {
        break;
      }
      Thread.sleep(50);
    }
    assertThat(gpu1.xidCount()).isEqualTo(1);
    assertThat(gpu1.lastXid()).isEqualTo(79);
    assertThat(sampler.tick().gpus().get(0).xidCount()).isZero();
  }
}
