package io.qwenops.operator.console.testing;

import io.helidon.webserver.WebServer;
import io.helidon.webserver.websocket.WsRouting;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real WebSocket server speaking the gpu-exporter's protocol on {@code /ws/gpu}: {@code hello},
 * an empty {@code history}, then a {@code sample} every period to every client. Each sample carries
 * {@code sentNanos} (this JVM's clock) so a benchmark can time its way through the gateway. It can
 * be stopped and started again on the same port.
 */
public final class FakeExporter implements AutoCloseable {

  public final AtomicInteger connectionsOpened = new AtomicInteger();
  private final Set<WsSession> clients = ConcurrentHashMap.newKeySet();
  private final AtomicLong seq = new AtomicLong();
  private final long periodMillis;
  private final String gpusJson;
  private volatile WebServer server;
  private volatile Thread ticker;
  private int port;

  public FakeExporter(long periodMillis) {
    this(periodMillis, 0);
  }

  /**
   * {@code fullGpus} GPUs with every field of the real exporter's sample (about 800 bytes each), or
   * one minimal GPU entry when 0.
   */
  public FakeExporter(long periodMillis, int fullGpus) {
    this.periodMillis = periodMillis;
    this.gpusJson = gpusJson(fullGpus);
    start();
  }

  private static final String MINIMAL_GPU =
      "{\"index\":0,\"uuid\":\"GPU-fake\",\"gpuUtilPercent\":50,\"fanSpeedPercent\":null}";

  /** The {@code gpus} array's elements: {@code fullGpus} full entries, or one minimal one if 0. */
  public static String gpusJson(int fullGpus) {
    return fullGpus == 0 ? MINIMAL_GPU : fullGpus(fullGpus);
  }

  /** A {@code sample} frame stamped with the sender's {@code System.nanoTime()}. */
  public static String sample(long seq, long sentNanos, String gpusJson) {
    return "{\"type\":\"sample\",\"seq\":"
        + seq
        + ",\"monoMs\":0,\"timeMs\":"
        + System.currentTimeMillis()
        + ",\"sentNanos\":"
        + sentNanos
        + ",\"gpus\":["
        + gpusJson
        + "]}";
  }

  private static String fullGpus(int n) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < n; i++) {
      out.append(i == 0 ? "" : ",")
          .append("{\"index\":")
          .append(i)
          .append(",\"uuid\":\"GPU-5d3c1f2e-8a4b-4c6d-9e0f-00000000000")
          .append(i)
          .append("\",\"state\":\"ok\",\"error\":null,\"memoryTotalBytes\":85899345920,")
          .append("\"memoryUsedBytes\":61203283968,\"memoryFreeBytes\":24159191040,")
          .append(
              "\"memoryReservedBytes\":536870912,\"gpuUtilPercent\":97,\"memoryUtilPercent\":41,")
          .append("\"powerWatts\":512.4,\"powerSource\":\"energy\",\"powerLimitWatts\":700.0,")
          .append("\"energyJoules\":81234567.891,\"temperatureCelsius\":71,")
          .append("\"pcieTxBytesPerSecond\":1048576000,\"pcieRxBytesPerSecond\":524288000,")
          .append("\"smClockMhz\":1980,\"memoryClockMhz\":2619,\"fanSpeedPercent\":null,")
          .append("\"clockEventReasons\":[\"sw_power_cap\"],\"eccCorrectedVolatile\":0,")
          .append("\"eccUncorrectedVolatile\":0,\"xidCount\":0,\"lastXid\":null,")
          .append("\"processes\":[{\"pid\":4242,\"usedMemoryBytes\":60129542144}]}");
    }
    return out.toString();
  }

  public synchronized void start() {
    server =
        WebServer.builder()
            .host("127.0.0.1")
            .port(port)
            .shutdownHook(false)
            .addRouting(WsRouting.builder().endpoint("/ws/gpu", Socket::new))
            .build()
            .start();
    port = server.port();
    ticker = Thread.ofPlatform().daemon().name("fake-exporter-tick").start(this::tick);
  }

  public synchronized void stop() {
    ticker.interrupt();
    server.stop();
    clients.clear();
  }

  public URI url() {
    return URI.create("http://127.0.0.1:" + port);
  }

  public int openClients() {
    return clients.size();
  }

  private void tick() {
    while (!Thread.currentThread().isInterrupted()) {
      try {
        Thread.sleep(periodMillis);
      } catch (InterruptedException e) {
        return;
      }
      String sample = sample(seq.incrementAndGet(), System.nanoTime(), gpusJson);
      for (WsSession client : clients) {
        try {
          client.send(sample, true);
        } catch (RuntimeException e) {
          clients.remove(client);
        }
      }
    }
  }

  private final class Socket implements WsListener {
    @Override
    public void onOpen(WsSession session) {
      connectionsOpened.incrementAndGet();
      session.send(
          "{\"type\":\"hello\",\"protocol\":1,\"pod\":\"local-0\",\"intervalMs\":"
              + periodMillis
              + ",\"gpus\":[{\"index\":0,\"uuid\":\"GPU-fake\"}],\"reason\":null}",
          true);
      session.send("{\"type\":\"history\",\"samples\":[]}", true);
      clients.add(session);
    }

    @Override
    public void onClose(WsSession session, int status, String reason) {
      clients.remove(session);
    }

    @Override
    public void onError(WsSession session, Throwable t) {
      clients.remove(session);
    }
  }

  @Override
  public void close() {
    stop();
  }
}
