package io.qwenops.exporter.sampling;

import static org.assertj.core.api.Assertions.assertThat;

import io.qwenops.exporter.FakeNvml;
import io.qwenops.exporter.FaultyNvml;
import io.qwenops.exporter.nvml.Nvml;
import io.qwenops.exporter.nvml.NvmlLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PCIe reader and the XID watcher on the fake NVML, with a Java exception thrown inside their
 * threads: they log it, back off, go on, and say what happened.
 */
class HelperThreadFaultTest {

  private static final long PERIOD_NANOS = Duration.ofMillis(100).toNanos();

  @TempDir Path dir;
  private final List<AutoCloseable> open = new ArrayList<>();

  private GpuInventory inventory(
      String method, long after, long times, Throwable fault, String... settings) {
    Nvml real = NvmlLoader.load(FakeNvml.install(dir, settings).toString()).nvml();
    open.add(real);
    GpuInventory inventory =
        GpuInventory.discover(FaultyNvml.wrap(real, method, after, times, fault), PERIOD_NANOS);
    open.add(inventory);
    return inventory;
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : open.reversed()) {
      c.close();
    }
  }

  static void eventually(Runnable assertion) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(8);
    while (true) {
      try {
        assertion.run();
        return;
      } catch (AssertionError e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(50);
      }
    }
  }

  @Test
  void thePcieReaderSurvivesAnExceptionThatIsNotNvmlsAndItsFiguresKeepMoving() throws Exception {
    // Discovery makes 2 calls per GPU; calls 5 and 6 (in the reader's passes) throw.
    GpuInventory inventory =
        inventory(
            "pcieThroughputKilobytesPerSecond",
            4,
            2,
            new IllegalStateException("injected PCIe fault"),
            "gpus=1",
            "pcie_delay_ms=1");
    DeviceReader gpu = inventory.readers().getFirst();
    eventually(() -> assertThat(inventory.readerStatuses().get("pcie").failures()).isEqualTo(2));
    Thread.sleep(1000);
    ReaderStatus pcie = inventory.readerStatuses().get("pcie");
    assertThat(pcie.state()).isEqualTo(ReaderStatus.State.running);
    assertThat(pcie.lastError()).contains("injected PCIe fault");
    // Fresh within three periods: the thread is still reading, a second after the faults.
    GpuReading reading = gpu.read(System.nanoTime(), 3 * PERIOD_NANOS);
    assertThat(reading.pcieTxBytesPerSecond()).as("PCIe figures after the fault").isNotNull();
  }

  @Test
  void theXidWatcherSurvivesAnExceptionAndStillCountsTheNextXid() throws Exception {
    GpuInventory inventory =
        inventory(
            "await",
            1,
            1,
            new IllegalArgumentException("injected XID fault"),
            "gpus=2",
            "pcie_delay_ms=1",
            "xid_gpu=1",
            "xid_code=79",
            "xid_after_ms=1500");
    DeviceReader gpu1 = inventory.readers().get(1);
    eventually(
        () -> {
          GpuReading reading = gpu1.read(System.nanoTime(), 3 * PERIOD_NANOS);
          assertThat(reading.xidCount()).as("the XID after the fault was counted").isEqualTo(1);
          assertThat(reading.lastXid()).isEqualTo(79);
        });
    ReaderStatus xid = inventory.readerStatuses().get("xid");
    assertThat(xid.state()).isEqualTo(ReaderStatus.State.running);
    assertThat(xid.failures()).isEqualTo(1);
    assertThat(xid.lastError()).isEqualTo("IllegalArgumentException: injected XID fault");
  }

  @Test
  void aJvmErrorStopsTheReaderAndItsStatusSaysSo() throws Exception {
    GpuInventory inventory =
        inventory("await", 1, 1, new OutOfMemoryError("injected"), "gpus=1", "pcie_delay_ms=1");
    eventually(
        () -> {
          ReaderStatus xid = inventory.readerStatuses().get("xid");
          assertThat(xid.state()).isEqualTo(ReaderStatus.State.stopped);
          assertThat(xid.lastError()).isEqualTo("OutOfMemoryError: injected");
          assertThat(xid.degraded()).isTrue();
        });
    assertThat(inventory.readerStatuses().get("pcie").state())
        .isEqualTo(ReaderStatus.State.running);
  }
}
