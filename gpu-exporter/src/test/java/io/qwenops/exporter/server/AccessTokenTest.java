package io.qwenops.exporter.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qwenops.exporter.Exporter;
import io.qwenops.exporter.ExporterOptions;
import io.qwenops.exporter.FakeNvml;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The optional bearer token: every route but /health, HTTP and WebSocket alike. */
class AccessTokenTest {

  @TempDir Path dir;
  private final HttpClient http = HttpClient.newHttpClient();

  private String[] args(String... extra) {
    Path library = FakeNvml.install(dir.resolve("gpu"), "gpus=1", "pcie_delay_ms=1");
    String[] base = {"--nvml-library", library.toString(), "--gpu-filter", "off"};
    String[] all = new String[base.length + extra.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(extra, 0, all, base.length, extra.length);
    return all;
  }

  private HttpResponse<String> get(int port, String path, String token) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void everyRouteButHealthNeedsTheTokenAndAWrongOneGetsA401WithJson() throws Exception {
    try (RunningExporter exporter =
        new RunningExporter(Map.of(ExporterOptions.TOKEN_ENV, "s3cret-token"), args())) {
      int port = exporter.port();
      for (String path : new String[] {"/api/gpu/info", "/api/gpu/history", "/metrics", "/nope"}) {
        HttpResponse<String> missing = get(port, path, null);
        assertThat(missing.statusCode()).as(path).isEqualTo(401);
        assertThat(missing.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(WsRecorder.JSON.readTree(missing.body()).path("error").asText())
            .startsWith("missing bearer token");
        assertThat(missing.headers().firstValue("WWW-Authenticate")).isPresent();
        HttpResponse<String> wrong = get(port, path, "s3cret-tokeN");
        assertThat(wrong.statusCode()).as(path).isEqualTo(401);
        assertThat(wrong.body()).isEqualTo("{\"error\":\"invalid bearer token\"}");
      }
      assertThat(get(port, "/api/gpu/info", "s3cret-token").statusCode()).isEqualTo(200);
      assertThat(get(port, "/metrics", "s3cret-token").statusCode()).isEqualTo(200);
      assertThat(get(port, "/health", null).statusCode()).isEqualTo(200);
      // The query parameter is for WebSocket clients only (browsers cannot set the header).
      assertThat(get(port, "/api/gpu/info?access_token=s3cret-token", null).statusCode())
          .isEqualTo(401);
    }
  }

  @Test
  void theWebSocketTakesTheHeaderOrTheQueryParameterAndRefusesNeither() throws Exception {
    try (RunningExporter exporter =
        new RunningExporter(Map.of(ExporterOptions.TOKEN_ENV, "s3cret-token"), args())) {
      int port = exporter.port();
      try (RawWebSocket none = RawWebSocket.open(port, "/ws/gpu");
          RawWebSocket wrong = RawWebSocket.open(port, "/ws/gpu?access_token=guess")) {
        assertThat(none.responseHead).startsWith("HTTP/1.1 401");
        assertThat(wrong.responseHead).startsWith("HTTP/1.1 401");
      }
      try (RawWebSocket header =
              RawWebSocket.open(port, "/ws/gpu", "Authorization: Bearer s3cret-token");
          RawWebSocket query = RawWebSocket.open(port, "/ws/gpu?access_token=s3cret-token")) {
        assertThat(header.responseHead).startsWith("HTTP/1.1 101");
        assertThat(query.responseHead).startsWith("HTTP/1.1 101");
        assertThat(header.readText()).contains("\"type\":\"hello\"");
        assertThat(query.readText()).contains("\"type\":\"hello\"");
      }
    }
  }

  @Test
  void aRotatedTokenFileTakesEffectWithoutARestart() throws Exception {
    Path token = dir.resolve("token");
    Files.writeString(token, "first-token\n");
    try (RunningExporter exporter =
        new RunningExporter(Map.of(), args("--token-file", token.toString()))) {
      int port = exporter.port();
      assertThat(get(port, "/api/gpu/info", "first-token").statusCode()).isEqualTo(200);
      Files.writeString(token, "second-token\n");
      Thread.sleep(1200);
      assertThat(get(port, "/api/gpu/info", "first-token").statusCode()).isEqualTo(401);
      assertThat(get(port, "/api/gpu/info", "second-token").statusCode()).isEqualTo(200);
      Files.delete(token); // mid-rotation: the last good token still works
      Thread.sleep(1200);
      assertThat(get(port, "/api/gpu/info", "second-token").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void aTokenFileThatCannotBeReadStopsTheStartRatherThanOpeningTheRoutes() {
    Path missing = dir.resolve("no-such-token");
    ExporterOptions options =
        ExporterOptions.parse(
            args("--port", "0", "--host", "127.0.0.1", "--token-file", missing.toString()),
            Map.of());
    assertThatThrownBy(() -> Exporter.start(options).close())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(missing.toString());
  }

  @Test
  void theTokenNeverShowsInTheOptionsText() {
    ExporterOptions options =
        ExporterOptions.parse(new String[0], Map.of(ExporterOptions.TOKEN_ENV, "s3cret-token"));
    assertThat(options.toString()).doesNotContain("s3cret-token");
    assertThat(options.access().open()).isFalse();
    assertThat(ExporterOptions.DEFAULTS.access().open()).isTrue();
  }
}
