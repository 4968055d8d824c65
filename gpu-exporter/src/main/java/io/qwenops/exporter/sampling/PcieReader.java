package io.qwenops.exporter.sampling;

import io.qwenops.exporter.nvml.NvmlException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Reads PCIe throughput on its own thread, because each NVML PCIe call blocks ~20 ms: two counters
 * on eight GPUs would take a third of a 500 ms tick. The sampler takes the latest figures, dropping
 * those older than a few ticks.
 */
final class PcieReader implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(PcieReader.class.getName());

  /** The newest rates of one GPU, written by the reader thread and read by the sampler. */
  static final class Latest {
    private volatile Rates rates;

    Rates fresh(long nowNanos, long staleAfterNanos) {
      Rates r = rates;
      return r != null && nowNanos - r.readAtNanos() <= staleAfterNanos ? r : null;
    }

    void set(Rates rates) {
      this.rates = rates;
    }
  }

  /** Bytes per second (NVML reports KB/s). */
  record Rates(long txBytesPerSecond, long rxBytesPerSecond, long readAtNanos) {}

  record Target(DeviceReader reader, Capabilities capabilities, Latest latest) {}

  private final List<Target> targets = new CopyOnWriteArrayList<>();
  private final long periodNanos;
  private final ReaderThread thread;

  PcieReader(long periodNanos) {
    this.periodNanos = periodNanos;
    this.thread = new ReaderThread("nvml-pcie", LOG, this::pass, periodNanos);
  }

  void add(Target target) {
    targets.add(target);
  }

  void start() {
    thread.start();
  }

  ReaderStatus status() {
    return thread.status();
  }

  /**
   * One pass over every GPU that supports PCIe counters; also used once at start to learn the
   * capability.
   */
  static void readOnce(Target target) {
    if (target.reader().lost() || target.capabilities().unsupported(Capabilities.PCIE)) {
      return;
    }
    try {
      long tx = target.reader().device().pcieThroughputKilobytesPerSecond(true);
      long rx = target.reader().device().pcieThroughputKilobytesPerSecond(false);
      target.capabilities().set(Capabilities.PCIE, true);
      target
          .latest()
          .set(
              new Rates(
                  Integer.toUnsignedLong((int) tx) * 1024,
                  Integer.toUnsignedLong((int) rx) * 1024,
                  System.nanoTime()));
    } catch (NvmlException e) {
      if (e.notSupported()) {
        target.capabilities().set(Capabilities.PCIE, false);
      } else if (e.gpuLost()) {
        target.reader().markLost(e.getMessage());
      } else {
        LOG.log(Level.FINE, "PCIe read failed on " + target.reader().uuid(), e);
      }
    }
  }

  /** Every GPU once, then the rest of the period asleep. */
  private void pass() throws InterruptedException {
    long started = System.nanoTime();
    for (Target target : targets) {
      readOnce(target);
    }
    long rest = periodNanos - (System.nanoTime() - started);
    TimeUnit.NANOSECONDS.sleep(Math.max(rest, TimeUnit.MILLISECONDS.toNanos(10)));
  }

  @Override
  public void close() {
    thread.close();
  }
}
