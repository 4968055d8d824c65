package io.qwenops.exporter.server;

import io.qwenops.exporter.ExporterOptions;
import io.qwenops.exporter.sampling.Sample;
import io.qwenops.exporter.sampling.SampleListener;
import io.qwenops.exporter.sampling.Sampler;
import io.qwenops.exporter.sampling.Topology;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * Fans each sample out to the WebSocket clients: serialised once per tick, then offered to every
 * client's queue (runs on the sampler thread, so it only ever enqueues). Admits at most {@code
 * --max-clients} and closes clients whose socket write stays blocked past {@code
 * --send-timeout-seconds}.
 */
public final class TelemetryHub implements SampleListener, AutoCloseable {

  private static final Logger LOG = Logger.getLogger(TelemetryHub.class.getName());

  private final ExporterOptions options;
  private final Sampler sampler;
  private final Set<ClientChannel> clients = ConcurrentHashMap.newKeySet();

  /** Clients asked to close for stalling, with the System.nanoTime() by which they must be gone. */
  private final Map<ClientChannel, Long> closing = new ConcurrentHashMap<>();

  private final AtomicLong droppedByGoneClients = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();
  private final AtomicLong stalledClosed = new AtomicLong();
  private final long sendTimeoutNanos;
  private final ScheduledExecutorService watchdog;

  public TelemetryHub(ExporterOptions options, Sampler sampler) {
    this.options = options;
    this.sampler = sampler;
    this.sendTimeoutNanos = options.sendTimeout().toNanos();
    this.watchdog =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("ws-watchdog").unstarted(r));
    long period =
        Math.clamp(sendTimeoutNanos / 4, TimeUnit.MILLISECONDS.toNanos(50), 1_000_000_000L);
    watchdog.scheduleWithFixedDelay(this::closeStalled, period, period, TimeUnit.NANOSECONDS);
    sampler.addListener(this);
  }

  @Override
  public void onSample(Sample sample) {
    if (clients.isEmpty()) {
      return;
    }
    ClientChannel.OutFrame frame =
        new ClientChannel.OutFrame(sample.seq(), Frames.json(Frames.sample(sample)));
    for (ClientChannel client : clients) {
      client.offer(frame);
    }
  }

  @Override
  public void onTopology(Topology topology) {
    ClientChannel.OutFrame frame =
        new ClientChannel.OutFrame(0, Frames.json(Frames.hello(options, topology)));
    for (ClientChannel client : clients) {
      client.offer(frame);
    }
  }

  ClientChannel.Limits limits() {
    return new ClientChannel.Limits(
        options.clientQueue(), options.pingInterval(), options.sendTimeout());
  }

  /**
   * Registers a client and greets it with a hello frame and {@code historyMillis} of history; false
   * (and nothing started) when {@code --max-clients} are already connected.
   */
  synchronized boolean connect(ClientChannel client, long historyMillis) {
    if (clients.size() >= options.maxClients()) {
      rejected.incrementAndGet();
      return false;
    }
    clients.add(client); // before the history snapshot, so no tick falls between the two
    List<Sample> history = historyMillis > 0 ? sampler.history().lastMillis(historyMillis) : null;
    long through = history == null || history.isEmpty() ? 0 : history.getLast().seq();
    String hello = Frames.json(Frames.hello(options, sampler.topology()));
    client.start(hello, history, through);
    return true;
  }

  void disconnect(ClientChannel client) {
    if (clients.remove(client)) {
      droppedByGoneClients.addAndGet(client.droppedTotal());
    }
    client.close();
  }

  /** The watchdog: close clients blocked in a write too long; drop those that stay blocked. */
  private void closeStalled() {
    long now = System.nanoTime();
    closing.forEach(
        (client, deadline) -> {
          if (now - deadline >= 0) {
            client.abort(); // no-op when the close frame went out and the sender ended
            closing.remove(client);
          }
        });
    for (ClientChannel client : clients) {
      if (client.blockedNanos(now) > sendTimeoutNanos) {
        long seconds = options.sendTimeout().toSeconds();
        disconnect(client);
        stalledClosed.incrementAndGet();
        closing.put(client, now + sendTimeoutNanos);
        client.closeStalled("client stalled: no frame taken for " + seconds + " s");
        LOG.info("closed a WebSocket client whose socket took nothing for " + seconds + " s");
      }
    }
  }

  public int clientCount() {
    return clients.size();
  }

  /** Frames dropped for slow clients since start. */
  public long droppedFrames() {
    long total = droppedByGoneClients.get();
    for (ClientChannel client : clients) {
      total += client.droppedTotal();
    }
    return total;
  }

  /** Clients refused because {@code --max-clients} were connected, since start. */
  public long rejectedClients() {
    return rejected.get();
  }

  /** Clients closed because their socket write stayed blocked, since start. */
  public long stalledClientsClosed() {
    return stalledClosed.get();
  }

  @Override
  public void close() {
    watchdog.shutdownNow();
  }
}
