package io.qwenops.operator.bench;

import io.qwenops.operator.console.access.OpenAccess;
import io.qwenops.operator.console.deployments.StaticDeployments;
import io.qwenops.operator.console.server.ConsoleGateway;
import io.qwenops.operator.console.testing.FakeExporter;
import io.qwenops.operator.console.testing.FakeInferenceServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One exporter stream fanned out by the gateway to N browsers (docs/benchmarks.md). Each sample
 * carries the exporter's send time (same JVM clock); every browser records receive − send. The same
 * is measured for one client connected straight to the exporter: the difference is what the gateway
 * adds per frame. Prints percentiles and the exporter's connection count.
 *
 * <p>{@code ./mvnw -q -pl operator test-compile exec:exec@bench-telemetry} (args: browsers,
 * seconds, sample period ms).
 */
public final class TelemetryFanoutBenchmark {

  private TelemetryFanoutBenchmark() {}

  /** Records the latency of every sample frame it receives while recording is on. */
  static final class Probe implements WebSocket.Listener {
    final AtomicBoolean recording;
    final long[] latencies = new long[200_000];
    int count;
    private final StringBuilder partial = new StringBuilder();

    Probe(AtomicBoolean recording) {
      this.recording = recording;
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      long now = System.nanoTime();
      partial.append(data);
      if (last) {
        int at = partial.indexOf("\"sentNanos\":");
        if (at >= 0 && recording.get() && count < latencies.length) {
          int start = at + 12;
          int end = start;
          while (end < partial.length() && Character.isDigit(partial.charAt(end))) {
            end++;
          }
          latencies[count++] = now - Long.parseLong(partial, start, end, 10);
        }
        partial.setLength(0);
      }
      ws.request(1);
      return null;
    }
  }

  public static void main(String[] args) throws Exception {
    int browsers = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    int periodMs = args.length > 2 ? Integer.parseInt(args[2]) : 100;
    AtomicBoolean recording = new AtomicBoolean();
    try (FakeInferenceServer inference = new FakeInferenceServer();
        FakeExporter exporter = new FakeExporter(periodMs);
        ConsoleGateway gateway =
            ConsoleGateway.start(
                "127.0.0.1",
                0,
                new StaticDeployments(
                    "local", inference.url(), exporter.url(), Duration.ofSeconds(2)),
                new OpenAccess(),
                true,
                null);
        HttpClient http = HttpClient.newHttpClient()) {
      Probe direct = new Probe(recording);
      WebSocket directSocket =
          http.newWebSocketBuilder()
              .buildAsync(
                  URI.create(exporter.url().toString().replace("http", "ws") + "/ws/gpu"), direct)
              .join();
      List<Probe> probes = new ArrayList<>();
      List<WebSocket> sockets = new ArrayList<>();
      URI ws = URI.create("ws://127.0.0.1:" + gateway.port() + "/ws/telemetry");
      for (int i = 0; i < browsers; i++) {
        Probe probe = new Probe(recording);
        WebSocket socket = http.newWebSocketBuilder().buildAsync(ws, probe).join();
        socket
            .sendText(
                "{\"type\":\"subscribe\",\"pods\":[{\"namespace\":\"local\",\"pod\":\"local-0\"}],\"historySeconds\":0}",
                true)
            .join();
        probes.add(probe);
        sockets.add(socket);
      }
      Thread.sleep(3000); // warm-up: JIT, connections
      recording.set(true);
      Thread.sleep(seconds * 1000L);
      recording.set(false);
      int upstream = exporter.connectionsOpened.get() - 1; // minus the direct client

      long[] viaGateway = merge(probes);
      long[] straight = Arrays.copyOf(direct.latencies, direct.count);
      Arrays.sort(straight);
      int expectedPerBrowser = seconds * 1000 / periodMs;
      System.out.printf(
          "browsers=%d seconds=%d periodMs=%d frames/browser≈%d received=%d (%.1f%% of expected)%n",
          browsers,
          seconds,
          periodMs,
          expectedPerBrowser,
          viaGateway.length,
          100.0 * viaGateway.length / ((long) expectedPerBrowser * browsers));
      System.out.printf("upstream connections to the exporter: %d%n", upstream);
      System.out.printf(
          "direct    ms p50=%.3f p95=%.3f p99=%.3f%n",
          ms(straight, 0.5), ms(straight, 0.95), ms(straight, 0.99));
      System.out.printf(
          "gateway   ms p50=%.3f p95=%.3f p99=%.3f max=%.3f%n",
          ms(viaGateway, 0.5), ms(viaGateway, 0.95), ms(viaGateway, 0.99), ms(viaGateway, 1.0));
      System.out.printf(
          "added     ms p50=%.3f p95=%.3f p99=%.3f%n",
          ms(viaGateway, 0.5) - ms(straight, 0.5),
          ms(viaGateway, 0.95) - ms(straight, 0.95),
          ms(viaGateway, 0.99) - ms(straight, 0.99));
      sockets.forEach(WebSocket::abort);
      directSocket.abort();
    }
  }

  private static long[] merge(List<Probe> probes) {
    int total = probes.stream().mapToInt(p -> p.count).sum();
    long[] all = new long[total];
    int at = 0;
    for (Probe p : probes) {
      System.arraycopy(p.latencies, 0, all, at, p.count);
      at += p.count;
    }
    Arrays.sort(all);
    return all;
  }

  private static double ms(long[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int i = (int) Math.min(sorted.length - 1, Math.round(q * (sorted.length - 1)));
    return sorted[i] / 1e6;
  }
}
