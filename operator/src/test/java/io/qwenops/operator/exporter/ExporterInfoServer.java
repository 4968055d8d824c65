package io.qwenops.operator.exporter;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * A real HTTP server on 127.0.0.1 that answers {@code GET /api/gpu/info} with a hello frame in the
 * gpu-exporter's format (docs/telemetry-protocol.md): the stand-in for a pod's sidecar.
 */
public final class ExporterInfoServer implements AutoCloseable {

  private final HttpServer server;
  private final AtomicInteger requests = new AtomicInteger();
  private volatile List<String> ownUuids;
  private volatile String requiredToken;
  private final List<String> authorizations = new java.util.concurrent.CopyOnWriteArrayList<>();

  public ExporterInfoServer(List<String> ownUuids) {
    this.ownUuids = ownUuids;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext(
        "/api/gpu/info",
        exchange -> {
          requests.incrementAndGet();
          String authorization = exchange.getRequestHeaders().getFirst("Authorization");
          authorizations.add(String.valueOf(authorization));
          String token = requiredToken;
          if (token != null && !("Bearer " + token).equals(authorization)) {
            // As the gpu-exporter answers with a token configured and a wrong or missing header.
            exchange.sendResponseHeaders(401, -1);
            exchange.close();
            return;
          }
          byte[] body = hello(this.ownUuids).getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public int requests() {
    return requests.get();
  }

  /** Require {@code Authorization: Bearer <token>}, as an exporter with a token file does. */
  public void requireToken(String token) {
    this.requiredToken = token;
  }

  /** The Authorization header of every request so far ("null" when there was none). */
  public List<String> authorizations() {
    return List.copyOf(authorizations);
  }

  /** What the inference container has written to its UUID file (empty: nothing yet). */
  public void ownUuids(List<String> uuids) {
    this.ownUuids = uuids;
  }

  /** A port on 127.0.0.1 where nothing listens: an exporter that cannot be reached. */
  public static int closedPort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The exporter's hello frame; before the UUID file exists it filters to nothing and says why. */
  static String hello(List<String> own) {
    String uuids = own.stream().map(u -> "\"" + u + "\"").collect(Collectors.joining(", "));
    String reason =
        own.isEmpty()
            ? "\"no GPU UUIDs known yet: waiting for the inference container to write"
                + " /var/run/qwenops/gpu-uuids (or set QWENOPS_GPU_UUIDS)\""
            : "null";
    StringBuilder gpus = new StringBuilder();
    for (int i = 0; i < own.size(); i++) {
      gpus.append(i == 0 ? "" : ",\n")
          .append(
              """
                {"index": %d, "uuid": "%s", "name": "NVIDIA H100 80GB HBM3",
                 "pciBusId": "00000000:1%d:00.0", "memoryTotalBytes": 85899345920,
                 "powerLimitWatts": 700.0,
                 "capabilities": {"memory": true, "utilization": true, "power": true}}"""
                  .formatted(i, own.get(i), i));
    }
    return """
        {
          "type": "hello",
          "protocol": 1,
          "host": "qwen-0",
          "pod": "qwen-0",
          "namespace": "ml",
          "node": "gpu-node-3",
          "container": "inference",
          "intervalMs": 500,
          "historySeconds": 600,
          "nvml": {"available": true, "library": "libnvidia-ml.so.1",
                   "driverVersion": "550.54.15", "nvmlVersion": "12.550.54.15", "reason": null},
          "gpuFilter": {
            "filtering": true,
            "source": "file /var/run/qwenops/gpu-uuids",
            "allowedUuids": [%s],
            "visibleUuids": [%s],
            "missingUuids": [],
            "reason": %s
          },
          "gpus": [%s],
          "reason": %s
        }
        """
        .formatted(uuids, uuids, reason, gpus, reason);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
