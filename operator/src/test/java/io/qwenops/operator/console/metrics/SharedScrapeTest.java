package io.qwenops.operator.console.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.qwenops.operator.console.access.OpenAccess;
import io.qwenops.operator.console.deployments.ConsoleDeployment;
import io.qwenops.operator.console.deployments.DeploymentSource;
import io.qwenops.operator.console.deployments.PodTarget;
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
import java.util.Optional;
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

  @Test
  void aHundredBrowsersPollingADeploymentOfThreePodsCauseOneScrapePerPodPerTwoSeconds()
      throws Exception {
    List<FakeInferenceServer> pods = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      pods.add(new FakeInferenceServer());
    }
    try (ThreePods source = new ThreePods(pods);
        ConsoleGateway gateway =
            ConsoleGateway.start("127.0.0.1", 0, source, new OpenAccess(), true, null);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
      URI url =
          URI.create("http://127.0.0.1:" + gateway.port() + "/api/deployments/local/local/metrics");
      long t0 = System.nanoTime();
      // 100 browsers, each asking every 500 ms (4× the console's 2 s refresh), for about 6 s.
      HttpResponse<String> last = null;
      while (System.nanoTime() - t0 < 6_000_000_000L) {
        List<HttpResponse<String>> round = burst(http, url, 100);
        assertThat(round).allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(200));
        last = round.getLast();
        for (FakeInferenceServer pod : pods) {
          assertAtMostOneScrapePerTwoSeconds(pod, t0);
        }
        Thread.sleep(500);
      }
      long seconds = (System.nanoTime() - t0) / 1_000_000_000L;
      for (FakeInferenceServer pod : pods) {
        assertThat(pod.metricsScrapes.get())
            .as("a pod asked about all along is scraped again every 2 s, not less")
            .isGreaterThanOrEqualTo((int) (seconds / 3));
      }
      JsonNode answer = Json.read(last.body());
      assertThat(answer.path("pods").findValuesAsText("pod"))
          .containsExactly("local-0", "local-1", "local-2");
      assertThat(answer.path("pods").findValues("up")).allMatch(JsonNode::asBoolean);
      assertThat(answer.path("total").path("running").asLong()).isEqualTo(6);
    } finally {
      for (FakeInferenceServer pod : pods) {
        pod.close();
      }
    }
  }

  /** One deployment {@code local/local} whose three ready pods are three fake engines. */
  private static final class ThreePods implements DeploymentSource {
    private final StaticDeployments base;
    private final ConsoleDeployment deployment;

    ThreePods(List<FakeInferenceServer> pods) {
      base = new StaticDeployments("local", pods.getFirst().url(), null, Duration.ofSeconds(60));
      ConsoleDeployment one = base.deployments().getFirst();
      List<PodTarget> targets = new ArrayList<>();
      for (int i = 0; i < pods.size(); i++) {
        targets.add(
            new PodTarget(
                "local", "local-" + i, true, URI.create(pods.get(i).url() + "/metrics"), null));
      }
      deployment = new ConsoleDeployment(one.view(), one.inferenceUrl(), targets, null);
    }

    @Override
    public List<ConsoleDeployment> deployments() {
      return List.of(deployment);
    }

    @Override
    public Optional<String> apiKey(ConsoleDeployment d) {
      return Optional.empty();
    }

    @Override
    public long version() {
      return base.version();
    }

    @Override
    public long awaitChange(long seen, Duration timeout) throws InterruptedException {
      return base.awaitChange(seen, timeout);
    }

    @Override
    public void close() {
      base.close();
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
