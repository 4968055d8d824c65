package io.qwenops.exporter.server;

import io.helidon.webserver.WebServer;
import io.helidon.webserver.websocket.WsRouting;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.qwenops.exporter.ExporterOptions;
import io.qwenops.exporter.sampling.Sampler;
import java.util.logging.Logger;

/** The Helidon server: every route of the exporter, registered in one place. */
public final class ExporterServer implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(ExporterServer.class.getName());

  private final WebServer server;
  private final TelemetryHub hub;

  private ExporterServer(WebServer server, TelemetryHub hub) {
    this.server = server;
    this.hub = hub;
  }

  /**
   * @throws IllegalStateException when the port cannot be bound or the token file cannot be read
   */
  public static ExporterServer start(ExporterOptions options, Sampler sampler) {
    AccessToken token = AccessToken.from(options.access());
    TelemetryHub hub = new TelemetryHub(options, sampler);
    PrometheusRegistry registry = new PrometheusRegistry();
    registry.register(new DcgmCollector(options.identity(), sampler));
    WebServer server =
        WebServer.builder()
            .host(options.host())
            .port(options.port())
            .shutdownHook(false)
            .connectionOptions(
                socket -> {
                  if (options.sendBufferKb() > 0) {
                    // A fixed buffer stops the kernel growing it to megabytes for a client that
                    // does not read: the bounded per-client queue then takes over.
                    socket.socketSendBufferSize(options.sendBufferKb() * 1024);
                  }
                })
            .routing(
                routing ->
                    routing
                        .addFilter(new BearerAuth(token))
                        .register("/api/gpu", new GpuApiService(options, sampler))
                        .register("/health", new HealthService(sampler, hub))
                        .register("/metrics", new MetricsService(registry)))
            .addRouting(
                WsRouting.builder()
                    .endpoint("/ws/gpu", () -> new TelemetrySocket(hub, options, token)))
            .build()
            .start();
    if (!server.isRunning()) {
      hub.close();
      // Helidon logs the cause (e.g. the port is taken) and returns a stopped server.
      throw new IllegalStateException(
          "could not listen on " + options.host() + ":" + options.port() + " (see the log above)");
    }
    if (token.required()) {
      LOG.info(
          "every route but /health needs a bearer token ("
              + (options.access().tokenFile() != null
                  ? "from " + options.access().tokenFile()
                  : "from " + ExporterOptions.TOKEN_ENV)
              + ")");
    } else if (isLoopback(options.host())) {
      LOG.info("no access token: only this machine can reach " + options.host());
    } else {
      LOG.warning(
          "no access token configured: GPU UUIDs, process ids and pod names are open to anyone who"
              + " reaches port "
              + server.port()
              + " (set --token-file or "
              + ExporterOptions.TOKEN_ENV
              + ")");
    }
    return new ExporterServer(server, hub);
  }

  /**
   * Whether only this machine can connect to the address (no token needed to keep GPUs private).
   */
  static boolean isLoopback(String host) {
    try {
      return java.net.InetAddress.getByName(host).isLoopbackAddress();
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }

  public int port() {
    return server.port();
  }

  public TelemetryHub hub() {
    return hub;
  }

  @Override
  public void close() {
    server.stop();
    hub.close();
  }
}
