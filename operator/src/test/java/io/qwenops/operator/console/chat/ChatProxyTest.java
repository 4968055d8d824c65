package io.qwenops.operator.console.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.qwenops.operator.console.access.OpenAccess;
import io.qwenops.operator.console.deployments.StaticDeployments;
import io.qwenops.operator.console.server.ConsoleGateway;
import io.qwenops.operator.console.testing.FakeInferenceServer;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The chat proxy in static mode against a real HTTP upstream. */
class ChatProxyTest {

  static final String STREAM_BODY =
      "{\"model\":\"qwen-test\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

  private FakeInferenceServer upstream;
  private ConsoleGateway gateway;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    upstream = new FakeInferenceServer();
    gateway = gateway(upstream.url());
  }

  static ConsoleGateway gateway(URI inference) {
    return ConsoleGateway.start(
        "127.0.0.1",
        0,
        new StaticDeployments("local", inference, null, Duration.ofMillis(200)),
        new OpenAccess(),
        true,
        null);
  }

  @AfterEach
  void stop() {
    gateway.close();
    upstream.close();
    http.close();
  }

  private URI chatUrl(ConsoleGateway g) {
    return URI.create(
        "http://127.0.0.1:" + g.port() + "/api/deployments/local/local/v1/chat/completions");
  }

  @Test
  void theBrowserSeesTheFirstChunkBeforeTheUpstreamFinishes() throws Exception {
    HttpResponse<InputStream> response =
        http.send(
            HttpRequest.newBuilder(chatUrl(gateway))
                .POST(HttpRequest.BodyPublishers.ofString(STREAM_BODY))
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
    BufferedReader lines =
        new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
    assertThat(lines.readLine()).contains("\"Hel\"");
    assertThat(upstream.streamFinished.getCount())
        .as("the upstream is still holding its answer open")
        .isEqualTo(1);
    upstream.releaseStream.countDown();
    StringBuilder rest = new StringBuilder();
    String line;
    while ((line = lines.readLine()) != null) {
      rest.append(line).append('\n');
    }
    assertThat(rest.toString()).contains("\"lo\"").contains("data: [DONE]");
    assertThat(upstream.lastBody.get())
        .as("the body is passed through unchanged")
        .isEqualTo(STREAM_BODY);
  }

  @Test
  void aBrowserThatAbortsClosesTheUpstreamRequest() throws Exception {
    upstream.streamUntilClientLeaves = true;
    try (Socket browser = new Socket("127.0.0.1", gateway.port())) {
      OutputStream out = browser.getOutputStream();
      byte[] body = STREAM_BODY.getBytes(StandardCharsets.UTF_8);
      out.write(
          ("POST /api/deployments/local/local/v1/chat/completions HTTP/1.1\r\nHost: x\r\n"
                  + "Content-Type: application/json\r\nContent-Length: "
                  + body.length
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.UTF_8));
      out.write(body);
      out.flush();
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(browser.getInputStream(), StandardCharsets.UTF_8));
      String line;
      while ((line = in.readLine()) != null && !line.contains("\"Hel\"")) {
        // headers and chunk sizes
      }
      assertThat(line).contains("\"Hel\"");
    } // the browser leaves mid-stream
    assertThat(upstream.clientWentAway.await(5, TimeUnit.SECONDS))
        .as("the upstream saw its connection close")
        .isTrue();
  }

  @Test
  void upstreamErrorsPassThroughWithTheirStatus() throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(chatUrl(gateway))
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"bad\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("invalid_request_error");
  }

  @Test
  void aDownUpstreamAnswers502UpstreamUnavailable() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    try (ConsoleGateway down = gateway(URI.create("http://127.0.0.1:" + closedPort))) {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(chatUrl(down))
                  .POST(HttpRequest.BodyPublishers.ofString(STREAM_BODY))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(502);
      assertThat(response.body())
          .contains("\"type\":\"upstream_unavailable\"")
          .contains("unreachable");
    }
  }

  @Test
  void anUnknownDeploymentIs404() throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:"
                            + gateway.port()
                            + "/api/deployments/local/other/v1/models"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.body()).contains("\"type\":\"not_found\"");
  }
}
