package io.qwenops.inference.server;

import io.helidon.webserver.WebServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.qwenops.inference.api.ModelSlot;
import io.qwenops.inference.api.wire.RequestLimits;
import io.qwenops.inference.engine.LogprobsMode;
import io.qwenops.inference.metrics.VllmMetrics;

/** Starts the production routing ({@link Main#routing}) on a free port for one test class. */
final class TestServer implements AutoCloseable {

  final WebServer server;
  final Http http;
  final PrometheusRegistry registry = new PrometheusRegistry();

  TestServer(ModelSlot slot, String apiKey, long maxRequestBytes) {
    this(slot, apiKey, maxRequestBytes, RequestLimits.defaults());
  }

  TestServer(ModelSlot slot, String apiKey, long maxRequestBytes, RequestLimits limits) {
    ServerOptions options =
        options("/models/" + slot.servedName(), apiKey, maxRequestBytes, limits);
    VllmMetrics metrics =
        new VllmMetrics(
            registry,
            slot.servedName(),
            4096,
            () -> slot.current().map(m -> m.engine().stats()).orElse(null));
    server =
        WebServer.builder()
            .host("127.0.0.1")
            .port(0)
            .directHandlers(io.qwenops.inference.api.TransportErrors.handlers())
            .routing(r -> Main.routing(r, slot, registry, metrics, options))
            .build()
            .start();
    http = new Http(server.port());
  }

  static ServerOptions options(
      String model, String apiKey, long maxRequestBytes, RequestLimits limits) {
    return new ServerOptions(
        model,
        ModelLocation.defaultServedName(model),
        "127.0.0.1",
        0,
        "cpu",
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        apiKey,
        maxRequestBytes,
        limits,
        false,
        LogprobsMode.RAW_LOGPROBS);
  }

  int port() {
    return server.port();
  }

  @Override
  public void close() {
    server.stop();
  }
}
