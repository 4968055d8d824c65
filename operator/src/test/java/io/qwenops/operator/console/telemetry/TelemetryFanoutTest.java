package io.qwenops.operator.console.telemetry;

import static io.qwenops.operator.console.testing.BrowserSocket.frame;
import static io.qwenops.operator.console.testing.BrowserSocket.status;
import static io.qwenops.operator.it.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.qwenops.operator.console.access.OpenAccess;
import io.qwenops.operator.console.deployments.StaticDeployments;
import io.qwenops.operator.console.server.ConsoleGateway;
import io.qwenops.operator.console.testing.BrowserSocket;
import io.qwenops.operator.console.testing.FakeExporter;
import io.qwenops.operator.console.testing.FakeInferenceServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code /ws/telemetry} against a real WebSocket exporter, in static mode. */
class TelemetryFanoutTest {

  static final Duration WAIT = Duration.ofSeconds(10);

  @Test
  void manyBrowsersShareOneUpstreamConnection() throws Exception {
    try (FakeInferenceServer inference = new FakeInferenceServer();
        FakeExporter exporter = new FakeExporter(50);
        ConsoleGateway gateway = gateway(inference, exporter);
        HttpClient http = HttpClient.newHttpClient()) {
      List<BrowserSocket> browsers = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        BrowserSocket b = new BrowserSocket(http, ws(gateway));
        b.subscribe("local", "local-0");
        browsers.add(b);
      }
      for (BrowserSocket b : browsers) {
        b.await(frame("sample"), WAIT);
      }
      assertThat(exporter.connectionsOpened.get()).isEqualTo(1);
      assertThat(gateway.telemetry().upstreamConnections()).isEqualTo(1);
      // Every live exporter frame a browser got is timed on the gateway, arrival to write. Each
      // browser saw at least one live sample; a browser that joined after the hello got it as a
      // replay, which is not timed. The timing is recorded just after the write returns, so a
      // browser can read its frame a moment before it is counted.
      eventually(
          WAIT,
          () ->
              assertThat(gateway.telemetry().deliveryTimes().written().summary().count())
                  .isGreaterThanOrEqualTo(browsers.size()));

      // A late browser gets the last hello and the buffered samples at once.
      try (BrowserSocket late = new BrowserSocket(http, ws(gateway))) {
        late.subscribe("local", "local-0");
        JsonNode up = late.await(n -> n.path("type").asText().equals("status"), WAIT);
        assertThat(up.path("state").asText()).isEqualTo("up");
        late.await(frame("hello"), WAIT);
        JsonNode history = late.await(frame("history"), WAIT);
        assertThat(history.path("frame").path("samples").size()).isPositive();
      }
      browsers.forEach(BrowserSocket::close);
      assertThat(exporter.connectionsOpened.get()).isEqualTo(1);
    }
  }

  @Test
  void aDownExporterIsReportedWithItsReasonAndTheStreamRecovers() throws Exception {
    try (FakeInferenceServer inference = new FakeInferenceServer();
        FakeExporter exporter = new FakeExporter(50);
        ConsoleGateway gateway = gateway(inference, exporter);
        HttpClient http = HttpClient.newHttpClient();
        BrowserSocket browser = new BrowserSocket(http, ws(gateway))) {
      browser.subscribe("local", "local-0");
      browser.await(frame("sample"), WAIT);

      exporter.stop();
      JsonNode down = browser.await(status("down"), WAIT);
      assertThat(down.path("reason").asText()).isNotBlank();
      assertThat(down.path("retryInMs").asLong()).isEqualTo(1000);
      assertThat(down.path("pod").asText()).isEqualTo("local-0");

      exporter.start();
      browser.await(status("up"), WAIT);
      browser.await(frame("sample"), WAIT);
      assertThat(exporter.connectionsOpened.get()).isEqualTo(2);
    }
  }

  @Test
  void aPodNoDeploymentOwnsIsRefusedWithoutTouchingAnExporter() throws Exception {
    try (FakeInferenceServer inference = new FakeInferenceServer();
        FakeExporter exporter = new FakeExporter(50);
        ConsoleGateway gateway = gateway(inference, exporter);
        HttpClient http = HttpClient.newHttpClient();
        BrowserSocket browser = new BrowserSocket(http, ws(gateway))) {
      browser.subscribe("local", "someone-else");
      JsonNode down = browser.await(status("down"), WAIT);
      assertThat(down.path("reason").asText()).isEqualTo(TelemetryHub.NOT_VISIBLE);
      assertThat(exporter.connectionsOpened.get()).isZero();
    }
  }

  static ConsoleGateway gateway(FakeInferenceServer inference, FakeExporter exporter) {
    return ConsoleGateway.start(
        "127.0.0.1",
        0,
        new StaticDeployments("local", inference.url(), exporter.url(), Duration.ofMillis(200)),
        new OpenAccess(),
        true,
        null);
  }

  static URI ws(ConsoleGateway gateway) {
    return URI.create("ws://127.0.0.1:" + gateway.port() + "/ws/telemetry");
  }
}
