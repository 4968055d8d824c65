package io.qwenops.exporter.sampling;

import io.qwenops.exporter.nvml.Nvml;
import io.qwenops.exporter.nvml.NvmlDevice;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/** Waits on NVML's event set for XID critical errors and counts them per GPU, on its own thread. */
final class XidWatcher implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(XidWatcher.class.getName());
  private static final int WAIT_MS = 250;

  private final Nvml.XidEvents events;
  private final Map<Integer, XidCounter> counters;
  private final ReaderThread thread;

  List<Integer> deviceIndexes() {
    return events.deviceIndexes();
  }

  private XidWatcher(Nvml.XidEvents events, Map<Integer, XidCounter> counters) {
    this.events = events;
    this.counters = counters;
    // A failed wait (a lost GPU makes it fail) backs off rather than spins; the others' events
    // stay queued in the driver until the next wait.
    this.thread = new ReaderThread("nvml-xid", LOG, this::awaitOne, WAIT_MS * 1_000_000L);
  }

  /**
   * @throws NvmlException when the driver cannot deliver XID events (the capability is then false)
   */
  static XidWatcher start(Nvml nvml, List<NvmlDevice> devices, Map<Integer, XidCounter> counters) {
    XidWatcher watcher = new XidWatcher(nvml.xidEvents(devices), counters);
    watcher.thread.start();
    return watcher;
  }

  ReaderStatus status() {
    return thread.status();
  }

  private void awaitOne() {
    events
        .await(WAIT_MS)
        .ifPresent(
            e -> {
              XidCounter counter = counters.get(e.deviceIndex());
              if (counter != null) {
                counter.record(e.code());
              }
              LOG.warning("XID " + e.code() + " on GPU " + e.deviceIndex());
            });
  }

  @Override
  public void close() {
    // Not interrupted: the thread may be inside the driver's wait, which ends within WAIT_MS.
    if (thread.close(2L * WAIT_MS + 500, false)) {
      events.close();
    }
  }
}
