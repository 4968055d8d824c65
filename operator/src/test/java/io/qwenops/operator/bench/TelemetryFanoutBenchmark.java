package io.qwenops.operator.bench;

import io.helidon.webserver.WebServer;
import io.helidon.webserver.websocket.WsRouting;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import io.qwenops.operator.console.access.OpenAccess;
import io.qwenops.operator.console.deployments.StaticDeployments;
import io.qwenops.operator.console.server.ConsoleGateway;
import io.qwenops.operator.console.telemetry.DeliveryTimes;
import io.qwenops.operator.console.telemetry.LatencyHistogram;
import io.qwenops.operator.console.testing.FakeExporter;
import io.qwenops.operator.console.testing.FakeInferenceServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One exporter stream fanned out by the gateway to N browsers (docs/benchmarks.md), measured two
 * ways: on the gateway ({@link DeliveryTimes}: upstream arrival → each browser's write returned)
 * and by N raw WebSocket clients in a second JVM ({@link FanoutClients}: exporter send → client
 * read, minus the same for one client straight to the exporter). A second run times the alternative
 * without a per-browser thread: one thread calling Helidon's {@code WsSession.send} for every
 * browser in turn, to the same clients.
 *
 * <p>{@code ./mvnw -q -pl operator test-compile exec:exec@bench-telemetry} (args: browsers,
 * seconds, sample period ms, GPUs per sample (2: frames of about 1.8 KB), client JVM selector
 * threads; {@code -Dbench.browsers= -Dbench.seconds= -Dbench.periodMs= -Dbench.gpus=
 * -Dbench.clientThreads=}).
 */
public final class TelemetryFanoutBenchmark {

  private static final int WARMUP_SECONDS = 3;

  private TelemetryFanoutBenchmark() {}

  /** What the client JVM printed, and the gateway's own numbers over the same window. */
  record Run(
      List<String> results,
      LatencyHistogram.Summary handedOver,
      LatencyHistogram.Summary written) {}

  public static void main(String[] args) throws Exception {
    int browsers = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    int periodMs = args.length > 2 ? Integer.parseInt(args[2]) : 100;
    int gpus = args.length > 3 ? Integer.parseInt(args[3]) : 2;
    int clientThreads = args.length > 4 ? Integer.parseInt(args[4]) : 2;
    System.out.printf(
        "browsers=%d seconds=%d periodMs=%d gpus/sample=%d client threads=%d cores=%d load=%s%n",
        browsers,
        seconds,
        periodMs,
        gpus,
        clientThreads,
        Runtime.getRuntime().availableProcessors(),
        loadAverage());

    try (FakeInferenceServer inference = new FakeInferenceServer();
        FakeExporter exporter = new FakeExporter(periodMs, gpus);
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
      String exporterWs = exporter.url().toString().replace("http", "ws") + "/ws/gpu";
      DeliveryTimes times = gateway.telemetry().deliveryTimes();
      // The gateway's upstream side is a java.net.http WebSocket: time one such client here.
      LatencyHistogram upstreamLeg = new LatencyHistogram();
      WebSocket probe =
          http.newWebSocketBuilder()
              .buildAsync(URI.create(exporterWs + "?historySeconds=0"), new Probe(upstreamLeg))
              .join();
      Run run =
          runClients(
              List.of(
                  "ws://127.0.0.1:" + gateway.port() + "/ws/telemetry",
                  "{\"type\":\"subscribe\",\"pods\":[{\"namespace\":\"local\",\"pod\":\"local-0\"}],"
                      + "\"historySeconds\":0}",
                  exporterWs + "?historySeconds=0",
                  String.valueOf(browsers),
                  String.valueOf(WARMUP_SECONDS),
                  String.valueOf(seconds),
                  String.valueOf(clientThreads)),
              () -> {
                times.reset();
                upstreamLeg.reset();
              },
              () -> times.handedOver().summary(),
              () -> times.written().summary());
      LatencyHistogram.Summary upstreamSummary = upstreamLeg.summary();
      probe.abort();
      int upstream = exporter.connectionsOpened.get() - 2; // minus the direct client and the probe
      System.out.println("== through the gateway (per-browser virtual thread + bounded queue)");
      System.out.printf("upstream connections to the exporter: %d%n", upstream);
      report(run, seconds * 1000 / periodMs, browsers);
      System.out.printf(
          "  java.net.http client in the gateway JVM, exporter → onText: %s%n",
          fmt(upstreamSummary));
    }

    System.out.println("== one thread calling WsSession.send for every browser in turn");
    try (DirectSender sender = new DirectSender(periodMs, gpus)) {
      Run run =
          runClients(
              List.of(
                  "ws://127.0.0.1:" + sender.server.port() + "/ws/raw",
                  "-",
                  "-",
                  String.valueOf(browsers),
                  String.valueOf(WARMUP_SECONDS),
                  String.valueOf(seconds),
                  String.valueOf(clientThreads)),
              () -> {
                sender.times.reset();
                sender.loop.reset();
              },
              sender.loop::summary,
              () -> sender.times.written().summary());
      report(run, seconds * 1000 / periodMs, browsers);
      System.out.printf("  whole send loop per frame: %s%n", fmt(sender.loop.summary()));
    }
    System.out.printf("load at the end=%s%n", loadAverage());
  }

  /** Times exporter send → {@code onText} for the sample frames a java.net.http client gets. */
  private record Probe(LatencyHistogram into) implements WebSocket.Listener {
    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      long now = System.nanoTime();
      String text = data.toString();
      int at = text.indexOf("\"sentNanos\":");
      if (at >= 0) {
        int end = at + 12;
        while (end < text.length() && Character.isDigit(text.charAt(end))) {
          end++;
        }
        into.record(now - Long.parseLong(text, at + 12, end, 10));
      }
      ws.request(1);
      return null;
    }
  }

  private interface Snapshot {
    LatencyHistogram.Summary take();
  }

  /** Forks the client JVM and times the gateway over exactly its recording window. */
  private static Run runClients(
      List<String> clientArgs, Runnable reset, Snapshot handedOver, Snapshot written)
      throws Exception {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.add("-Xmx512m");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(FanoutClients.class.getName());
    command.addAll(clientArgs);
    Process clients = new ProcessBuilder(command).redirectErrorStream(true).start();
    List<String> results = new ArrayList<>();
    LatencyHistogram.Summary handed = null;
    LatencyHistogram.Summary wrote = null;
    try (BufferedReader out = new BufferedReader(new InputStreamReader(clients.getInputStream()))) {
      String line;
      while ((line = out.readLine()) != null) {
        switch (line) {
          case "RECORDING" -> reset.run();
          case "STOPPED" -> {
            handed = handedOver.take();
            wrote = written.take();
          }
          default -> {
            if (line.startsWith("RESULT ")) {
              results.add(line);
            } else if (!line.equals("READY")) {
              System.out.println("  clients: " + line);
            }
          }
        }
      }
    }
    if (clients.waitFor() != 0 || handed == null) {
      throw new IllegalStateException("the client JVM failed: " + clients.exitValue());
    }
    return new Run(results, handed, wrote);
  }

  private static void report(Run run, int expectedPerBrowser, int browsers) {
    long[] via = null;
    long[] direct = null;
    for (String line : run.results()) {
      String[] f = line.split(" ");
      long[] v = {
        Long.parseLong(f[2]),
        Long.parseLong(f[3]),
        Long.parseLong(f[4]),
        Long.parseLong(f[5]),
        Long.parseLong(f[6])
      };
      if (f[1].equals("via")) {
        via = v;
      } else {
        direct = v;
      }
    }
    System.out.printf(
        "  frames received by the clients: %d (%.1f%% of %d expected)%n",
        via[0],
        100.0 * via[0] / ((long) expectedPerBrowser * browsers),
        (long) expectedPerBrowser * browsers);
    System.out.printf(
        "  on the server, arrival → handed to the writer: %s%n", fmt(run.handedOver()));
    System.out.printf("  on the server, arrival → socket write returned: %s%n", fmt(run.written()));
    System.out.printf(
        "  clients (other JVM), send → read   ms p50=%.3f p95=%.3f p99=%.3f max=%.3f%n",
        via[1] / 1e6, via[2] / 1e6, via[3] / 1e6, via[4] / 1e6);
    if (direct != null) {
      System.out.printf(
          "  direct to the exporter              ms p50=%.3f p95=%.3f p99=%.3f max=%.3f%n",
          direct[1] / 1e6, direct[2] / 1e6, direct[3] / 1e6, direct[4] / 1e6);
      System.out.printf(
          "  added (clients − direct)            ms p50=%.3f p95=%.3f p99=%.3f%n",
          (via[1] - direct[1]) / 1e6, (via[2] - direct[2]) / 1e6, (via[3] - direct[3]) / 1e6);
    }
  }

  private static String fmt(LatencyHistogram.Summary s) {
    return String.format(
        "n=%d ms p50=%.3f p95=%.3f p99=%.3f max=%.3f",
        s.count(), s.p50() / 1e6, s.p95() / 1e6, s.p99() / 1e6, s.max() / 1e6);
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (Exception e) {
      return "unknown";
    }
  }

  /**
   * The alternative to a thread per browser: a Helidon WebSocket server whose one sender thread
   * writes each frame (same size and shape as the gateway's) to every connected session in turn.
   */
  private static final class DirectSender implements AutoCloseable {
    final List<WsSession> sessions = new CopyOnWriteArrayList<>();
    final DeliveryTimes times = new DeliveryTimes();
    final LatencyHistogram loop = new LatencyHistogram();
    final WebServer server;
    final Thread sender;

    DirectSender(int periodMs, int gpus) {
      String gpusJson = FakeExporter.gpusJson(gpus);
      server =
          WebServer.builder()
              .host("127.0.0.1")
              .port(0)
              .shutdownHook(false)
              .addRouting(
                  WsRouting.builder()
                      .endpoint(
                          "/ws/raw",
                          () ->
                              new WsListener() {
                                @Override
                                public void onOpen(WsSession session) {
                                  sessions.add(session);
                                }
                              }))
              .build()
              .start();
      sender =
          Thread.ofPlatform()
              .daemon()
              .name("direct-sender")
              .start(
                  () -> {
                    long seq = 0;
                    while (!Thread.currentThread().isInterrupted()) {
                      try {
                        Thread.sleep(periodMs);
                      } catch (InterruptedException e) {
                        return;
                      }
                      long t0 = System.nanoTime();
                      String frame =
                          "{\"type\":\"frame\",\"namespace\":\"local\",\"pod\":\"local-0\",\"frame\":"
                              + FakeExporter.sample(++seq, t0, gpusJson)
                              + "}";
                      for (WsSession s : sessions) {
                        try {
                          s.send(frame, true);
                        } catch (RuntimeException e) {
                          sessions.remove(s);
                        }
                        times.written().record(System.nanoTime() - t0);
                      }
                      loop.record(System.nanoTime() - t0);
                    }
                  });
    }

    @Override
    public void close() {
      sender.interrupt();
      server.stop();
    }
  }
}
