package io.qwenops.exporter.sampling;

import io.qwenops.exporter.nvml.Nvml;
import io.qwenops.exporter.nvml.NvmlDevice;
import io.qwenops.exporter.nvml.NvmlException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Waits on NVML's event set for XID critical errors and counts them per GPU, on its own thread. */
final class XidWatcher implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(XidWatcher.class.getName());
  private static final int WAIT_MS = 250;

  private final Nvml.XidEvents events;
  private final Map<Integer, XidCounter> counters;
  private final Thread thread;
  private volatile boolean running = true;

  List<Integer> deviceIndexes() {
    return events.deviceIndexes();
  }

  private XidWatcher(Nvml.XidEvents events, Map<Integer, XidCounter> counters) {
    this.events = events;
    this.counters = counters;
    this.thread = Thread.ofPlatform().daemon().name("nvml-xid").unstarted(this::loop);
  }

  /** Empty when the driver cannot deliver XID events (the capability is then false). */
  static Optional<XidWatcher> start(
      Nvml nvml, List<NvmlDevice> devices, Map<Integer, XidCounter> counters) {
    try {
      XidWatcher watcher = new XidWatcher(nvml.xidEvents(devices), counters);
      watcher.thread.start();
      return Optional.of(watcher);
    } catch (NvmlException e) {
      LOG.warning("XID events unavailable: " + e.getMessage());
      return Optional.empty();
    }
  }

  private void loop() {
    int failures = 0;
    while (running) {
      try {
        Optional<Nvml.XidEvent> event = events.await(WAIT_MS);
        failures = 0;
        event.ifPresent(
            e -> {
              XidCounter counter = counters.get(e.deviceIndex());
              if (counter != null) {
                counter.record(e.code());
              }
              LOG.warning("XID " + e.code() + " on GPU " + e.deviceIndex());
            });
      } catch (NvmlException e) {
        // A lost GPU makes the wait fail; keep listening for the others, without spinning.
        if (++failures == 1) {
          LOG.log(Level.WARNING, "waiting for XID events failed: " + e.getMessage());
        }
        sleepQuietly(WAIT_MS);
      }
    }
  }

  private void sleepQuietly(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      running = false;
    }
  }

  @Override
  public void close() {
    running = false;
    try {
      thread.join(2L * WAIT_MS + 500);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!thread.isAlive()) {
      events.close();
    }
  }
}
