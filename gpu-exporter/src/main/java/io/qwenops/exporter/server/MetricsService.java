package io.qwenops.exporter.server;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/** {@code /metrics}: the registry written by the Prometheus client's own exposition writers. */
final class MetricsService implements HttpService {

  private final PrometheusRegistry registry;
  private final ExpositionFormats formats = ExpositionFormats.init();

  MetricsService(PrometheusRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void routing(HttpRules rules) {
    rules.get("/", this::scrape);
  }

  private void scrape(ServerRequest req, ServerResponse res) {
    String accept = req.headers().first(HeaderNames.ACCEPT).orElse(null);
    ExpositionFormatWriter writer = formats.findWriter(accept);
    EscapingScheme escaping = EscapingScheme.fromAcceptHeader(accept);
    res.header(HeaderNames.CONTENT_TYPE, writer.getContentType());
    try (OutputStream out = res.outputStream()) {
      writer.write(out, registry.scrape(), escaping);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
