package io.qwenops.exporter.sampling;

import io.qwenops.exporter.visibility.GpuAllowList;
import io.qwenops.exporter.visibility.GpuSelection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Reads every visible GPU once per tick on one thread, at a fixed rate, and hands the sample to the
 * history and the listeners. One NVML read per tick serves every client.
 */
public final class Sampler implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(Sampler.class.getName());

  /** How often the UUID file is checked for changes. */
  private static final long ALLOW_LIST_CHECK_NANOS = TimeUnit.SECONDS.toNanos(1);

  private volatile GpuSource source;
  private final GpuAllowList allowList;
  private final SampleHistory history;
  private final Duration interval;
  private final long startNanos = System.nanoTime();
  private final List<SampleListener> listeners = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService scheduler;
  private final FailureLog tickFailures = new FailureLog(LOG, "sampler tick");

  private volatile Topology topology;
  private volatile List<DeviceReader> visible = List.of();
  private long seq;
  private long lastAllowListCheck = startNanos;

  public Sampler(
      GpuSource source, GpuAllowList allowList, SampleHistory history, Duration interval) {
    this.source = source;
    this.allowList = allowList;
    this.history = history;
    this.interval = interval;
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("gpu-sampler").unstarted(r));
    applySelection();
  }

  /** The NVML handle, status and GPUs currently read. */
  public GpuSource source() {
    return source;
  }

  /**
   * Switches to a new source (NVML became available after start): on the sampler thread, between
   * ticks, followed by a new topology for every listener.
   */
  public void attach(GpuSource newSource) {
    scheduler.execute(
        () -> {
          source = newSource;
          applySelection();
          Topology changed = topology();
          listeners.forEach(l -> l.onTopology(changed));
        });
  }

  /** Milliseconds on the sampler's monotonic clock, the clock of {@link Sample#monoMs()}. */
  public long monoMs() {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
  }

  public Duration interval() {
    return interval;
  }

  public SampleHistory history() {
    return history;
  }

  public Topology topology() {
    Topology t = topology;
    // Capabilities are learned as metrics are read; report them as they stand now.
    return new Topology(
        t.nvml(), t.selection(), visible.stream().map(DeviceReader::info).toList(), t.reason());
  }

  public void addListener(SampleListener listener) {
    listeners.add(listener);
  }

  public void removeListener(SampleListener listener) {
    listeners.remove(listener);
  }

  public void start() {
    long period = interval.toNanos();
    scheduler.scheduleAtFixedRate(this::safeTick, 0, period, TimeUnit.NANOSECONDS);
  }

  private void safeTick() {
    try {
      tick();
      tickFailures.succeeded();
    } catch (Throwable e) {
      // Anything thrown would cancel the fixed-rate schedule, and with it every figure: log it
      // once and keep ticking (JVM errors too: the next tick may well find memory again).
      tickFailures.failed(e);
    }
  }

  /**
   * The state of every thread that feeds the samples: {@code sampler} (this one's ticks), {@code
   * pcie} and {@code xid}.
   */
  public Map<String, ReaderStatus> readerStatuses() {
    Map<String, ReaderStatus> statuses = new LinkedHashMap<>();
    statuses.put("sampler", tickFailures.status());
    statuses.putAll(source.inventory().readerStatuses());
    return statuses;
  }

  /** Reads every visible GPU, records and publishes the sample. Public for the benchmark. */
  public Sample tick() {
    long now = System.nanoTime();
    if (now - lastAllowListCheck >= ALLOW_LIST_CHECK_NANOS) {
      lastAllowListCheck = now;
      if (allowList.refresh()) {
        applySelection();
        Topology changed = topology();
        listeners.forEach(l -> l.onTopology(changed));
      }
    }
    Sample sample = read(now);
    history.add(sample);
    for (SampleListener listener : listeners) {
      listener.onSample(sample);
    }
    return sample;
  }

  /** Reads the visible GPUs without publishing. Public for the benchmark. */
  public Sample read(long nowNanos) {
    long staleAfter = 3 * interval.toNanos();
    List<DeviceReader> readers = visible;
    List<GpuReading> readings = new ArrayList<>(readers.size());
    for (DeviceReader reader : readers) {
      readings.add(reader.read(nowNanos, staleAfter));
    }
    long monoMs = TimeUnit.NANOSECONDS.toMillis(nowNanos - startNanos);
    return new Sample(++seq, monoMs, System.currentTimeMillis(), List.copyOf(readings));
  }

  private void applySelection() {
    GpuSource current = source;
    GpuSelection selection = allowList.select(current.inventory().uuids());
    Set<String> shown = new HashSet<>(selection.visibleUuids());
    visible = current.inventory().readers().stream().filter(r -> shown.contains(r.uuid())).toList();
    NvmlStatus nvml = current.status();
    String reason = nvml.available() ? selection.reason() : nvml.reason();
    topology = new Topology(nvml, selection, List.of(), reason);
    if (!nvml.available()) {
      // A machine without an NVIDIA GPU is a normal place to run: say why once, calmly.
      LOG.info("No GPU telemetry: " + reason);
    } else if (reason != null) {
      LOG.warning(reason);
    } else {
      LOG.info("showing GPUs " + selection.visibleUuids());
    }
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
    try {
      scheduler.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
