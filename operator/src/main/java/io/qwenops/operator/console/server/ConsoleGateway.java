package io.qwenops.operator.console.server;

import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.websocket.WsRouting;
import io.qwenops.operator.console.access.AccessGate;
import io.qwenops.operator.console.access.Authenticator;
import io.qwenops.operator.console.access.SessionService;
import io.qwenops.operator.console.chat.ChatProxy;
import io.qwenops.operator.console.deployments.DeploymentSource;
import io.qwenops.operator.console.deployments.DeploymentsService;
import io.qwenops.operator.console.metrics.MetricsService;
import io.qwenops.operator.console.metrics.SharedScraper;
import io.qwenops.operator.console.telemetry.TelemetryHub;
import io.qwenops.operator.console.telemetry.TelemetrySocket;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The console gateway's HTTP server: every route, registered in one place. Tests build it with a
 * deployment source of their choosing (the mock cluster's informers, or static mode).
 */
public final class ConsoleGateway implements AutoCloseable {

  private final WebServer server;
  private final DeploymentSource source;
  private final TelemetryHub telemetry;

  private ConsoleGateway(WebServer server, DeploymentSource source, TelemetryHub telemetry) {
    this.server = server;
    this.source = source;
    this.telemetry = telemetry;
  }

  /** Starts listening; closing the gateway closes the source too. */
  public static ConsoleGateway start(
      String bind,
      int port,
      DeploymentSource source,
      Authenticator authenticator,
      boolean staticMode,
      Path webDir) {
    StaticAssets assets = StaticAssets.load(webDir);
    HttpClient scrapeClient = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    SharedScraper scraper =
        new SharedScraper(
            SharedScraper.http(scrapeClient, Duration.ofSeconds(2)),
            MetricsService.INTERVAL,
            MetricsService.WINDOW);
    TelemetryHub telemetry = new TelemetryHub(source);
    WebServer server =
        WebServer.builder()
            .host(bind)
            .port(port)
            .shutdownHook(false)
            .routing(
                routing -> {
                  routing(routing, source, authenticator, staticMode, scraper);
                  StaticAssets.register(routing, assets);
                })
            .addRouting(
                WsRouting.builder()
                    .endpoint("/ws/telemetry", () -> new TelemetrySocket(telemetry, authenticator)))
            .build()
            .start();
    if (!server.isRunning()) {
      throw new IllegalStateException(
          "could not listen on " + bind + ":" + port + " (see the log above)");
    }
    return new ConsoleGateway(server, source, telemetry);
  }

  static void routing(
      HttpRouting.Builder routing,
      DeploymentSource source,
      Authenticator authenticator,
      boolean staticMode,
      SharedScraper scraper) {
    routing
        .addFilter(new AccessGate(authenticator))
        .register("/api/session", new SessionService(authenticator, staticMode))
        .register("/api/deployments", new DeploymentsService(source))
        .register("/api/deployments", new MetricsService(source, scraper))
        .register("/api/deployments", new ChatProxy(source));
  }

  public int port() {
    return server.port();
  }

  public TelemetryHub telemetry() {
    return telemetry;
  }

  @Override
  public void close() {
    server.stop();
    telemetry.close();
    source.close();
  }
}
