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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
      LatencyHistogram.Summary written,
      long cpuNanos,
      Map<String, Long> cpuByThreads) {}

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
              () -> null, // no hand-over: the sender thread writes itself
              () -> sender.times.written().summary());
      report(run, seconds * 1000 / periodMs, browsers);
      System.out.printf("  whole send loop per frame: %s%n", fmt(sender.loop.summary()));
    }
    encodingCost(browsers, gpus);
    System.out.printf("load at the end=%s%n", loadAverage());
  }

  /** Times exporter send → {@code onText} for the sample frames a java.net.http client gets. */
  private static final class Probe implements WebSocket.Listener {
    private final LatencyHistogram into;
    private final StringBuilder partial = new StringBuilder();
    private long firstPartNanos;

    Probe(LatencyHistogram into) {
      this.into = into;
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      if (partial.isEmpty()) {
        firstPartNanos = System.nanoTime();
      }
      partial.append(data);
      if (last) {
        int at = partial.indexOf("\"sentNanos\":");
        if (at >= 0) {
          int end = at + 12;
          while (end < partial.length() && Character.isDigit(partial.charAt(end))) {
            end++;
          }
          into.record(firstPartNanos - Long.parseLong(partial, at + 12, end, 10));
        }
        partial.setLength(0);
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
    long cpuStart = 0;
    long cpuNanos = 0;
    Map<String, Long> threadsStart = Map.of();
    Map<String, Long> threads = new TreeMap<>();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(clients.getInputStream()))) {
      String line;
      while ((line = out.readLine()) != null) {
        switch (line) {
          case "RECORDING" -> {
            reset.run();
            cpuStart = processCpuNanos();
            threadsStart = cpuByThreadGroup();
          }
          case "STOPPED" -> {
            cpuNanos = processCpuNanos() - cpuStart;
            Map<String, Long> now = cpuByThreadGroup();
            for (Map.Entry<String, Long> e : now.entrySet()) {
              threads.put(e.getKey(), e.getValue() - threadsStart.getOrDefault(e.getKey(), 0L));
            }
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
    if (clients.waitFor() != 0 || wrote == null) {
      throw new IllegalStateException("the client JVM failed: " + clients.exitValue());
    }
    return new Run(results, handed, wrote, cpuNanos, threads);
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
    double frames = (double) run.written().count() / browsers;
    System.out.printf(
        "  this JVM's CPU per upstream frame (all %d sends): %.3f ms over %.0f frames%n",
        browsers, run.cpuNanos() / frames / 1e6, frames);
    StringBuilder split = new StringBuilder();
    run.cpuByThreads().entrySet().stream()
        .filter(e -> e.getValue() / frames > 20_000)
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(
            e -> split.append(String.format(" %s %.3f;", e.getKey(), e.getValue() / frames / 1e6)));
    System.out.printf(
        "    by platform thread (ms per frame; carriers run the virtual ones):%s%n", split);
    if (run.handedOver() != null) {
      System.out.printf(
          "  on the server, arrival → handed to the writer: %s%n", fmt(run.handedOver()));
    }
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

  /**
   * Helidon's {@code send(String)} encodes the text to UTF-8 for every browser; this is what the N
   * encodings of one frame cost together (median of 2,000 rounds after 2,000 warm-up ones).
   */
  private static void encodingCost(int browsers, int gpus) {
    String frame =
        "{\"type\":\"frame\",\"namespace\":\"local\",\"pod\":\"local-0\",\"frame\":"
            + FakeExporter.sample(1, System.nanoTime(), FakeExporter.gpusJson(gpus))
            + "}";
    long[] rounds = new long[2000];
    long sink = 0;
    for (int pass = 0; pass < 2; pass++) {
      for (int r = 0; r < rounds.length; r++) {
        long t0 = System.nanoTime();
        for (int i = 0; i < browsers; i++) {
          sink += frame.getBytes(StandardCharsets.UTF_8).length;
        }
        rounds[r] = System.nanoTime() - t0;
      }
    }
    java.util.Arrays.sort(rounds);
    System.out.printf(
        "== UTF-8 encoding of one %d-byte frame %d times (Helidon does it once per send): %.1f µs"
            + " (%d)%n",
        frame.length(), browsers, rounds[rounds.length / 2] / 1e3, sink % 10);
  }

  private static String fmt(LatencyHistogram.Summary s) {
    return String.format(
        "n=%d ms p50=%.3f p95=%.3f p99=%.3f max=%.3f",
        s.count(), s.p50() / 1e6, s.p95() / 1e6, s.p99() / 1e6, s.max() / 1e6);
  }

  /** CPU time of live platform threads, summed by name with digits folded ("worker-#"). */
  private static Map<String, Long> cpuByThreadGroup() {
    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
    Map<String, Long> out = new TreeMap<>();
    for (java.lang.management.ThreadInfo info : mx.getThreadInfo(mx.getAllThreadIds())) {
      if (info == null) {
        continue;
      }
      long cpu = mx.getThreadCpuTime(info.getThreadId());
      if (cpu > 0) {
        out.merge(info.getThreadName().replaceAll("[0-9]+", "#"), cpu, Long::sum);
      }
    }
    return out;
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
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
