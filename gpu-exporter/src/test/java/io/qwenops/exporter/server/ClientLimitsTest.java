package io.qwenops.exporter.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.qwenops.exporter.FakeNvml;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What one WebSocket or REST client can cost the exporter is bounded, and it is told why. */
class ClientLimitsTest {

  @TempDir Path dir;

  private RunningExporter exporter(String... extra) {
    Path library = FakeNvml.install(dir, "gpus=8", "pcie_delay_ms=2");
    String[] args = new String[extra.length + 6];
    System.arraycopy(
        new String[] {
          "--nvml-library", library.toString(), "--gpu-filter", "off", "--interval-ms", "100"
        },
        0,
        args,
        0,
        6);
    System.arraycopy(extra, 0, args, 6, extra.length);
    return new RunningExporter(Map.of(), args);
  }

  /** Waits until {@code field} of /health reaches {@code value}. */
  static JsonNode awaitHealth(RunningExporter exporter, String field, long value, Duration within)
      throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    while (true) {
      JsonNode health = exporter.getJson("/health");
      if (health.path(field).asLong() == value || System.nanoTime() > deadline) {
        assertThat(health.path(field).asLong()).as("/health " + field).isEqualTo(value);
        return health;
      }
      Thread.sleep(50);
    }
  }

  @Test
  void aClientBeyondMaxClientsIsClosedWith1013TooManyClients() throws Exception {
    try (RunningExporter exporter = exporter("--max-clients", "2");
        WsRecorder first = new WsRecorder(exporter.port(), "?historySeconds=0");
        WsRecorder second = new WsRecorder(exporter.port(), "?historySeconds=0")) {
      first.next("hello", Duration.ofSeconds(5));
      second.next("hello", Duration.ofSeconds(5));
      CompletableFuture<String> closed = new CompletableFuture<>();
      HttpClient.newHttpClient()
          .newWebSocketBuilder()
          .buildAsync(
              URI.create("ws://127.0.0.1:" + exporter.port() + "/ws/gpu?historySeconds=0"),
              new WebSocket.Listener() {
                @Override
                public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                  closed.completeExceptionally(new AssertionError("got a frame: " + data));
                  return null;
                }

                @Override
                public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
                  closed.complete(code + " " + reason);
                  return null;
                }
              })
          .join();
      assertThat(closed.get(5, TimeUnit.SECONDS))
          .isEqualTo("1013 too many clients (at most 2 at once)");
      JsonNode health = exporter.getJson("/health");
      assertThat(health.path("clientsRejected").asLong()).isEqualTo(1);
      assertThat(health.path("clients").asInt()).isEqualTo(2);
      // The two admitted clients are unaffected.
      assertThat(first.samplesFor(Duration.ofMillis(600))).isNotEmpty();
    }
  }

  @Test
  void aClientThatStaysStalledIsClosedWith1008AndTheReasonReachesItWhenItReadsAgain()
      throws Exception {
    try (RunningExporter exporter = exporter("--send-timeout-seconds", "1");
        RawWebSocket stalled = RawWebSocket.stalled(exporter.port(), "?historySeconds=600")) {
      exporter.firstSample();
      awaitHealth(exporter, "clientsClosedStalled", 1, Duration.ofSeconds(10));
      assertThat(exporter.getJson("/health").path("clients").asInt()).isZero();
      // Reading again (within the second grace period), it gets the frames it was owed, then the
      // close frame with its reason.
      RawWebSocket.Frame frame;
      do {
        frame = stalled.readFrame();
      } while (frame.opcode() != 8);
      assertThat(frame.closeCode()).isEqualTo(1008);
      assertThat(frame.closeReason()).isEqualTo("client stalled: no frame taken for 1 s");
    }
  }

  @Test
  void aClientThatNeverReadsAgainLosesItsConnection() throws Exception {
    try (RunningExporter exporter = exporter("--send-timeout-seconds", "1");
        RawWebSocket stalled = RawWebSocket.stalled(exporter.port(), "?historySeconds=600")) {
      exporter.firstSample();
      awaitHealth(exporter, "clientsClosedStalled", 1, Duration.ofSeconds(10));
      Thread.sleep(2500); // past the grace period: the socket is closed under the blocked write
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      assertThatThrownBy(
              () -> {
                while (System.nanoTime() < deadline) {
                  stalled.readFrame(); // what the kernel buffered, then the end
                }
              })
          .as("the connection ends within 5 s of reading again")
          .isInstanceOf(IOException.class);
    }
  }

  @Test
  void historyWithoutSecondsIsTheDefaultWindowNotTheWholeRing() throws Exception {
    try (RunningExporter exporter = exporter("--connect-history-seconds", "1")) {
      exporter.firstSample();
      Thread.sleep(3000); // about 30 samples in the ring
      int byDefault = exporter.getJson("/api/gpu/history").path("samples").size();
      int asked = exporter.getJson("/api/gpu/history?seconds=60").path("samples").size();
      assertThat(byDefault).as("samples without ?seconds").isBetween(5, 12);
      assertThat(asked).as("samples with ?seconds=60").isGreaterThanOrEqualTo(20);
    }
  }
}
