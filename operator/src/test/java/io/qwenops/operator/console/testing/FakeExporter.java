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
  private volatile WebServer server;
  private volatile Thread ticker;
  private int port;

  public FakeExporter(long periodMillis) {
    this.periodMillis = periodMillis;
    start();
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
      String sample =
          "{\"type\":\"sample\",\"seq\":"
              + seq.incrementAndGet()
              + ",\"monoMs\":0,\"timeMs\":"
              + System.currentTimeMillis()
              + ",\"sentNanos\":"
              + System.nanoTime()
              + ",\"gpus\":[{\"index\":0,\"uuid\":\"GPU-fake\",\"gpuUtilPercent\":50,\"fanSpeedPercent\":null}]}";
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
