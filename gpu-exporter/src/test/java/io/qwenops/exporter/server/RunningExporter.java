package io.qwenops.exporter.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.qwenops.exporter.Exporter;
import io.qwenops.exporter.ExporterOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** An exporter on a free port, started exactly as Main starts it, plus a small HTTP client. */
final class RunningExporter implements AutoCloseable {

  private final Exporter exporter;
  private final HttpClient http = HttpClient.newHttpClient();

  RunningExporter(Map<String, String> env, String... args) {
    List<String> all = new ArrayList<>(List.of("--port", "0", "--host", "127.0.0.1"));
    all.addAll(Arrays.asList(args));
    this.exporter = Exporter.start(ExporterOptions.parse(all.toArray(String[]::new), env));
  }

  int port() {
    return exporter.port();
  }

  Exporter exporter() {
    return exporter;
  }

  HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + path))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  JsonNode getJson(String path) throws Exception {
    HttpResponse<String> response = get(path);
    if (response.statusCode() != 200) {
      throw new AssertionError(
          path + " answered " + response.statusCode() + ": " + response.body());
    }
    return WsRecorder.JSON.readTree(response.body());
  }

  /** Waits until the first sample exists. */
  JsonNode firstSample() throws Exception {
    for (int i = 0; i < 100; i++) {
      HttpResponse<String> response = get("/api/gpu");
      if (response.statusCode() == 200) {
        return WsRecorder.JSON.readTree(response.body());
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no sample after 5 s");
  }

  @Override
  public void close() {
    exporter.close();
  }
}
