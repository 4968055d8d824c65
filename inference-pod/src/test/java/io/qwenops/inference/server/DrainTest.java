package io.qwenops.inference.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM's path on a real server: new requests are refused with 503 + Retry-After and readiness
 * fails, while streams already running finish; then the server stops.
 */
class DrainTest {

  static final HttpClient CLIENT = HttpClient.newHttpClient();

  static Main.RunningServer freshServer() {
    Main.RunningServer server =
        Main.start(TinyModel.options(null), new QwenModelLoader(), Map.of());
    TinyModel.awaitReady(server.slot());
    return server;
  }

  static CompletableFuture<HttpResponse<String>> stream(Main.RunningServer server, int tokens) {
    String body =
        "{\"prompt\":\"Hi\",\"max_tokens\":"
            + tokens
            + ",\"ignore_eos\":true,\"stream\":true,"
            + "\"stream_options\":{\"include_usage\":true}}";
    return CLIENT.sendAsync(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/completions"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static void awaitRunning(Main.RunningServer server, int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (server.drain().running() < n) {
      assertThat(System.nanoTime()).as("%d requests under way", n).isLessThan(deadline);
      Thread.sleep(10);
    }
  }

  @Test
  void runningStreamsFinishWhileNewRequestsAndReadinessAre503() throws Exception {
    Main.RunningServer server = freshServer();
    int port = server.port();
    Http http = new Http(port);
    CompletableFuture<HttpResponse<String>> first = stream(server, 120);
    CompletableFuture<HttpResponse<String>> second = stream(server, 120);
    awaitRunning(server, 2);

    CompletableFuture<Void> shutdown =
        CompletableFuture.runAsync(() -> server.shutdown(Duration.ofSeconds(60)));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!server.drain().draining()) {
      assertThat(System.nanoTime()).isLessThan(deadline);
      Thread.sleep(5);
    }

    HttpResponse<String> refused =
        http.post(
            "/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
    assertThat(refused.statusCode()).isEqualTo(503);
    assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
    JsonNode error = Http.json(refused).get("error");
    assertThat(error.get("code").asText()).isEqualTo("server_shutting_down");
    assertThat(error.get("type").asText()).isEqualTo("service_unavailable");
    assertThat(http.get("/health").statusCode()).as("readiness fails").isEqualTo(503);
    assertThat(http.get("/health/live").statusCode()).as("liveness holds").isEqualTo(200);
    assertThat(shutdown).as("the drain waits for the streams").isNotDone();

    for (CompletableFuture<HttpResponse<String>> running :
        new CompletableFuture[] {first, second}) {
      HttpResponse<String> done = running.get(60, TimeUnit.SECONDS);
      assertThat(done.statusCode()).isEqualTo(200);
      assertThat(done.body()).contains("\"finish_reason\":\"length\"").endsWith("data: [DONE]\n\n");
      assertThat(done.body()).as("every token was sent").contains("\"completion_tokens\":120");
    }
    shutdown.get(30, TimeUnit.SECONDS);
    assertThat(server.drain().running()).isZero();
    assertRefusesConnections(server, port);
  }

  @Test
  void aStreamLongerThanTheDrainIsCutOffAndTheServerStillStops() throws Exception {
    Main.RunningServer server = freshServer();
    int port = server.port();
    CompletableFuture<HttpResponse<String>> endless = stream(server, 250);
    awaitRunning(server, 1);
    long start = System.nanoTime();
    server.shutdown(Duration.ofMillis(300));
    long tookMs = (System.nanoTime() - start) / 1_000_000;
    assertThat(tookMs).as("ms the shutdown took").isLessThan(15_000);
    assertThat(server.drain().draining()).isTrue();
    assertRefusesConnections(server, port);
    endless.handle((r, e) -> null).get(30, TimeUnit.SECONDS);
  }

  @Test
  void theDrainTimeComesFromTheOperatorsVariable() {
    assertThat(Drain.timeout(Map.of("QWENOPS_DRAIN_SECONDS", "50")))
        .isEqualTo(Duration.ofSeconds(50));
    assertThat(Drain.timeout(Map.of())).isEqualTo(Duration.ofSeconds(25));
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> Drain.timeout(Map.of("QWENOPS_DRAIN_SECONDS", "1m")))
        .hasMessageContaining("QWENOPS_DRAIN_SECONDS must be a whole number of seconds, got '1m'");
  }

  static void assertRefusesConnections(Main.RunningServer server, int port) {
    assertThat(server.server().isRunning()).isFalse();
    CompletableFuture<HttpResponse<String>> after =
        CLIENT.sendAsync(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                .timeout(Duration.ofSeconds(5))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(after)
        .failsWithin(Duration.ofSeconds(10))
        .withThrowableThat()
        .havingRootCause()
        .isInstanceOf(IOException.class);
  }
}
