package io.qwenops.operator.console.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.qwenops.operator.console.access.SharedTokenAccess;
import io.qwenops.operator.console.deployments.StaticDeployments;
import io.qwenops.operator.console.testing.FakeInferenceServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Built web assets at /, SPA fallback for deep links, and the API behind its token. */
class StaticAssetsTest {

  @Test
  void filesAreServedDeepLinksGetIndexAndTheApiStaysJson(@TempDir Path dist) throws Exception {
    Files.writeString(dist.resolve("index.html"), "<!doctype html><div id=root></div>");
    Files.createDirectories(dist.resolve("assets"));
    Files.writeString(dist.resolve("assets/app.js"), "console.log('qwenops')");
    try (FakeInferenceServer inference = new FakeInferenceServer();
        ConsoleGateway gateway =
            ConsoleGateway.start(
                "127.0.0.1",
                0,
                new StaticDeployments(
                    "local", inference.url(), null, "Random weights", Duration.ofSeconds(1)),
                new SharedTokenAccess("s3cret"),
                true,
                dist);
        HttpClient http = HttpClient.newHttpClient()) {
      String base = "http://127.0.0.1:" + gateway.port();
      HttpResponse<String> js = get(http, base + "/assets/app.js", null);
      assertThat(js.body()).isEqualTo("console.log('qwenops')");
      assertThat(js.headers().firstValue("Content-Type").orElse("")).contains("javascript");
      assertThat(get(http, base + "/", null).body()).contains("id=root");
      HttpResponse<String> deep = get(http, base + "/deployments/local/local/gpu", null);
      assertThat(deep.statusCode()).isEqualTo(200);
      assertThat(deep.body()).contains("id=root");

      HttpResponse<String> unknownApi = get(http, base + "/api/nope", "s3cret");
      assertThat(unknownApi.statusCode()).isEqualTo(404);
      assertThat(unknownApi.body()).contains("\"type\":\"not_found\"");

      HttpResponse<String> session = get(http, base + "/api/session", null);
      assertThat(session.body())
          .isEqualTo("{\"mode\":\"token\",\"authenticated\":false,\"user\":null,\"static\":true}");
      assertThat(get(http, base + "/api/deployments", "wrong").statusCode()).isEqualTo(401);
      assertThat(get(http, base + "/api/deployments", "s3cret").body())
          .contains("\"name\":\"local\"")
          .contains("\"notice\":\"Random weights\"");
    }
  }

  static HttpResponse<String> get(HttpClient http, String url, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
