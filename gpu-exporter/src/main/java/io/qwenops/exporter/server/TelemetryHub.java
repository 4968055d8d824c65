package io.qwenops.exporter.server;

import io.qwenops.exporter.ExporterOptions;
import io.qwenops.exporter.sampling.Sample;
import io.qwenops.exporter.sampling.SampleListener;
import io.qwenops.exporter.sampling.Sampler;
import io.qwenops.exporter.sampling.Topology;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fans each sample out to the WebSocket clients: serialised once per tick, then offered to every
 * client's queue. Runs on the sampler thread, so it only ever enqueues.
 */
public final class TelemetryHub implements SampleListener {

  private final ExporterOptions options;
  private final Sampler sampler;
  private final Set<ClientChannel> clients = ConcurrentHashMap.newKeySet();
  private final AtomicLong droppedByGoneClients = new AtomicLong();

  public TelemetryHub(ExporterOptions options, Sampler sampler) {
    this.options = options;
    this.sampler = sampler;
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

  /** Registers a client and greets it with a hello frame and {@code historyMillis} of history. */
  void connect(ClientChannel client, long historyMillis) {
    clients.add(client); // before the history snapshot, so no tick falls between the two
    var history = historyMillis > 0 ? sampler.history().lastMillis(historyMillis) : null;
    long through = history == null || history.isEmpty() ? 0 : history.getLast().seq();
    String hello = Frames.json(Frames.hello(options, sampler.topology()));
    client.start(hello, history == null ? null : Frames.json(Frames.history(history)), through);
  }

  void disconnect(ClientChannel client) {
    if (clients.remove(client)) {
      droppedByGoneClients.addAndGet(client.droppedTotal());
    }
    client.close();
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
}
