package io.qwenops.operator.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** /healthz, /readyz and /metrics over a real socket on 127.0.0.1. */
class HttpEndpointsTest {

  final HttpClient http = HttpClient.newHttpClient();

  HttpResponse<String> get(HttpEndpoints endpoints, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoints.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void readinessFollowsTheOperatorAndMetricsArePrometheusText() throws Exception {
    AtomicBoolean started = new AtomicBoolean(false);
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.counter("operator.sdk.reconciliations.executions").increment(3);
    try (HttpEndpoints endpoints = new HttpEndpoints(0, started::get, registry).start()) {
      assertThat(get(endpoints, "/healthz").statusCode()).isEqualTo(200);
      assertThat(get(endpoints, "/readyz").statusCode()).isEqualTo(503);
      started.set(true);
      assertThat(get(endpoints, "/readyz").statusCode()).isEqualTo(200);
      HttpResponse<String> metrics = get(endpoints, "/metrics");
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.headers().firstValue("Content-Type"))
          .hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
      assertThat(metrics.body()).contains("operator_sdk_reconciliations_executions_total 3.0");
    }
  }
}
