package io.qwenops.operator.console.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.qwenops.operator.console.access.OpenAccess;
import io.qwenops.operator.console.deployments.StaticDeployments;
import io.qwenops.operator.console.http.Json;
import io.qwenops.operator.console.server.ConsoleGateway;
import io.qwenops.operator.console.testing.FakeInferenceServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Browsers share scrapes: however many ask, a pod is scraped at most once per 2 s. */
class SharedScrapeTest {

  @Test
  void aHundredConcurrentBrowsersCauseOneScrapePerPodPerTwoSeconds() throws Exception {
    try (FakeInferenceServer pod = new FakeInferenceServer();
        ConsoleGateway gateway =
            ConsoleGateway.start(
                "127.0.0.1",
                0,
                new StaticDeployments("local", pod.url(), null, Duration.ofMillis(200)),
                new OpenAccess(),
                true,
                null);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
      URI url =
          URI.create("http://127.0.0.1:" + gateway.port() + "/api/deployments/local/local/metrics");
      long t0 = System.nanoTime();
      List<HttpResponse<String>> burst = burst(http, url, 100);
      assertThat(burst).allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(200));
      assertAtMostOneScrapePerTwoSeconds(pod, t0);
      JsonNode answer = Json.read(burst.getFirst().body());
      assertThat(answer.path("total").path("running").asLong()).isEqualTo(2);
      assertThat(answer.path("pods").get(0).path("up").asBoolean()).isTrue();
      assertThat(answer.path("intervalMs").asLong()).isEqualTo(2000);

      for (int round = 0; round < 3; round++) {
        burst(http, url, 100);
        assertAtMostOneScrapePerTwoSeconds(pod, t0);
        Thread.sleep(700);
      }
      Thread.sleep(2100);
      int before = pod.metricsScrapes.get();
      burst(http, url, 100);
      assertThat(pod.metricsScrapes.get())
          .as("a result older than 2 s is scraped again")
          .isEqualTo(before + 1);

      HttpResponse<String> raw =
          http.send(
              HttpRequest.newBuilder(URI.create(url + "/raw?pod=local-0")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(raw.body()).isEqualTo(pod.metricsText);
      assertThat(pod.metricsScrapes.get())
          .as("raw text comes from the shared scrape")
          .isEqualTo(before + 1);
    }
  }

  /** Scrapes so far ≤ 1 + whole 2 s periods since the first request (100 browsers each time). */
  private static void assertAtMostOneScrapePerTwoSeconds(FakeInferenceServer pod, long startNanos) {
    long periods = (System.nanoTime() - startNanos) / 2_000_000_000L;
    assertThat(pod.metricsScrapes.get()).isBetween(1, (int) (1 + periods));
  }

  private static List<HttpResponse<String>> burst(HttpClient http, URI url, int n) {
    List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      all.add(
          http.sendAsync(
              HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofString()));
    }
    return all.stream().map(CompletableFuture::join).toList();
  }
}
