package io.qwenops.exporter.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qwenops.exporter.Exporter;
import io.qwenops.exporter.ExporterOptions;
import io.qwenops.exporter.FakeNvml;
import io.qwenops.exporter.sampling.Sample;
import io.qwenops.exporter.sampling.Sampler;
import io.qwenops.exporter.server.Frames;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The exporter's performance numbers, printed and written into docs/benchmarks.md (its own
 * section):
 *
 * <ol>
 *   <li>CPU time per tick reading 8 fake GPUs (the PCIe reads run on their own thread), and per
 *       frame serialised;
 *   <li>bytes per frame;
 *   <li>with the exporter in its own JVM and 200 WebSocket clients connected: tick jitter (from the
 *       samples' monotonic timestamps), arrival jitter at the clients, process CPU per tick and
 *       resident memory.
 * </ol>
 *
 * Run: {@code ./mvnw -pl gpu-exporter test-compile exec:exec@bench}. The fake NVML answers in
 * nanoseconds where a real driver takes microseconds per call, so the tick figure is the exporter's
 * own overhead.
 */
public final class ExporterBenchmark {

  private static final int GPUS = 8;
  private static final boolean REAL = !System.getProperty("bench.nvml", "").isBlank();
  private static final String LIBRARY_DESCRIPTION =
      REAL
          ? "Real NVML at `" + System.getProperty("bench.nvml") + "`"
          : GPUS
              + " GPUs served by the fake `libnvidia-ml.so` (PCIe reads block 20 ms each, on their own"
              + " thread)";
  private static final int CLIENTS = Integer.getInteger("bench.clients", 200);
  private static final int LOAD_SECONDS = Integer.getInteger("bench.seconds", 60);
  private static final int WARMUP_SECONDS = Integer.getInteger("bench.warmup", 20);

  /** The JVM flags the sidecar image is meant to run with (see gpu-exporter/README.md). */
  private static final String EXPORTER_JVM_FLAGS =
      System.getProperty("bench.jvm", "-XX:+UseSerialGC -Xmx128m -Xss512k");

  private static final ObjectMapper JSON = new ObjectMapper();

  public static void main(String[] args) throws Exception {
    Path report = args.length > 0 ? Path.of(args[0]) : null;
    Path work = Files.createTempDirectory("exporter-bench");
    // -Dbench.nvml=/path/to/libnvidia-ml.so.1 measures against a real driver instead of the fake.
    Path library =
        REAL
            ? Path.of(System.getProperty("bench.nvml"))
            : FakeNvml.install(work.resolve("nvml"), "gpus=" + GPUS);

    List<String> lines = new ArrayList<>();
    String loadBefore = loadAverage();
    inProcess(library, lines);
    withClients(library, lines);
    String load = "load average " + loadBefore + " at the start, " + loadAverage() + " at the end";

    String section = section(lines, load);
    System.out.println(section);
    if (report != null) {
      write(report, section);
      System.out.println("written to " + report.toAbsolutePath().normalize());
    }
  }

  /** Reads and serialises in this JVM, timing CPU on the sampler's thread. */
  private static void inProcess(Path library, List<String> lines) {
    ExporterOptions options =
        ExporterOptions.parse(
            new String[] {"--nvml-library", library.toString(), "--gpu-filter", "off"}, Map.of());
    Sampler sampler = Exporter.sampler(options);
    ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    int gpus = sampler.topology().gpus().size();
    if (gpus == 0) {
      throw new IllegalStateException("no GPU to measure: " + sampler.topology().reason());
    }
    for (int i = 0; i < 3000; i++) { // warm up the JIT
      Frames.json(Frames.sample(sampler.read(System.nanoTime())));
    }
    int ticks = 5000;
    long[] readNanos = new long[ticks];
    long[] serialiseNanos = new long[ticks];
    int bytes = 0;
    for (int i = 0; i < ticks; i++) {
      long c0 = cpu.getCurrentThreadCpuTime();
      Sample sample = sampler.read(System.nanoTime());
      long c1 = cpu.getCurrentThreadCpuTime();
      String frame = Frames.json(Frames.sample(sample));
      long c2 = cpu.getCurrentThreadCpuTime();
      readNanos[i] = c1 - c0;
      serialiseNanos[i] = c2 - c1;
      bytes = frame.getBytes(StandardCharsets.UTF_8).length;
    }
    String hello = Frames.json(Frames.hello(options, sampler.topology()));
    lines.add(
        row(
            "CPU per tick, NVML reads + sample (" + gpus + " GPUs)",
            us(median(readNanos)) + " median, " + us(percentile(readNanos, 99)) + " p99",
            "< 1 ms"));
    lines.add(
        row(
            "CPU per tick, JSON frame (once, shared by all clients)",
            us(median(serialiseNanos)) + " median, " + us(percentile(serialiseNanos, 99)) + " p99",
            ""));
    lines.add(row("bytes per `sample` frame (" + gpus + " GPUs)", bytes + " B", ""));
    lines.add(
        row(
            "bytes of the `hello` frame (" + gpus + " GPUs)",
            hello.getBytes(StandardCharsets.UTF_8).length + " B",
            ""));
    sampler.close();
    sampler.source().close();
  }

  /** The exporter in its own JVM, as `java -jar` would run it, with 200 WebSocket clients. */
  private static void withClients(Path library, List<String> lines) throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("--enable-native-access=ALL-UNNAMED");
    command.addAll(List.of(EXPORTER_JVM_FLAGS.trim().split("\\s+")));
    command.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            "io.qwenops.exporter.Main",
            "--host",
            "127.0.0.1",
            "--port",
            Integer.toString(port),
            "--nvml-library",
            library.toString(),
            "--gpu-filter",
            "off",
            "--connect-history-seconds",
            "0"));
    Process exporter =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      HttpClient http = HttpClient.newHttpClient();
      waitHealthy(http, port);
      List<WebSocket> sockets = new ArrayList<>();
      ConcurrentLinkedQueue<Long> gaps = new ConcurrentLinkedQueue<>();
      AtomicLong frames = new AtomicLong();
      for (int i = 0; i < CLIENTS; i++) {
        sockets.add(
            http.newWebSocketBuilder()
                .buildAsync(
                    URI.create("ws://127.0.0.1:" + port + "/ws/gpu"), new GapListener(gaps, frames))
                .join());
      }
      Thread.sleep(TimeUnit.SECONDS.toMillis(WARMUP_SECONDS)); // JIT and connections settle
      gaps.clear();
      frames.set(0);
      long cpuBefore = processCpuNanos(exporter.pid());
      JsonNode first = getJson(http, port, "/api/gpu");
      Thread.sleep(TimeUnit.SECONDS.toMillis(LOAD_SECONDS));
      JsonNode last = getJson(http, port, "/api/gpu");
      long cpuAfter = processCpuNanos(exporter.pid());
      long rssKb = rssKb(exporter.pid());
      JsonNode history = getJson(http, port, "/api/gpu/history?seconds=" + LOAD_SECONDS);
      sockets.forEach(WebSocket::abort);

      long ticks = last.path("seq").asLong() - first.path("seq").asLong();
      long[] jitter = tickJitterMs(history, 500);
      long[] arrival = gaps.stream().mapToLong(g -> Math.abs(g - 500_000_000L)).toArray();
      lines.add(
          row(
              "tick jitter with " + CLIENTS + " WebSocket clients (sample monoMs vs. schedule)",
              jitter.length
                  + " ticks: p50 "
                  + percentile(jitter, 50)
                  + " ms, p99 "
                  + percentile(jitter, 99)
                  + " ms, max "
                  + percentile(jitter, 100)
                  + " ms",
              "p99 < 20 ms"));
      lines.add(
          row(
              "arrival jitter at the " + CLIENTS + " clients (deviation of each gap from 500 ms)",
              arrival.length
                  + " gaps: p50 "
                  + ms(percentile(arrival, 50))
                  + ", p99 "
                  + ms(percentile(arrival, 99)),
              ""));
      lines.add(
          row(
              "exporter process CPU per tick, serving " + CLIENTS + " clients",
              ms(ticks == 0 ? 0 : (cpuAfter - cpuBefore) / ticks)
                  + " ("
                  + ticks
                  + " ticks, all threads)",
              ""));
      lines.add(
          row(
              "exporter resident memory (VmRSS) with " + CLIENTS + " clients",
              rssKb / 1024 + " MiB",
              ""));
      lines.add(
          row(
              "sample frames delivered in the measured window",
              frames.get() + " (of " + ticks * CLIENTS + " ticks × clients)",
              ""));
    } finally {
      exporter.destroy();
      exporter.waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** Records the gap between consecutive sample frames of one client. */
  private static final class GapListener implements WebSocket.Listener {
    private final ConcurrentLinkedQueue<Long> gaps;
    private final AtomicLong frames;
    private final StringBuilder partial = new StringBuilder();
    private long last;

    GapListener(ConcurrentLinkedQueue<Long> gaps, AtomicLong frames) {
      this.gaps = gaps;
      this.frames = frames;
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean lastPart) {
      partial.append(data);
      if (lastPart) {
        if (partial.indexOf("\"type\":\"sample\"") >= 0) {
          long now = System.nanoTime();
          if (last != 0) {
            gaps.add(now - last);
          }
          last = now;
          frames.incrementAndGet();
        }
        partial.setLength(0);
      }
      ws.request(1);
      return null;
    }
  }

  private static long[] tickJitterMs(JsonNode history, long intervalMs) {
    JsonNode samples = history.path("samples");
    long first = samples.path(0).path("monoMs").asLong();
    long firstSeq = samples.path(0).path("seq").asLong();
    long[] jitter = new long[samples.size()];
    for (int i = 0; i < samples.size(); i++) {
      JsonNode s = samples.path(i);
      long ideal = first + (s.path("seq").asLong() - firstSeq) * intervalMs;
      jitter[i] = Math.abs(s.path("monoMs").asLong() - ideal);
    }
    return jitter;
  }

  private static void waitHealthy(HttpClient http, int port) throws Exception {
    for (int i = 0; i < 300; i++) {
      try {
        JsonNode health = getJson(http, port, "/health");
        if (health.path("lastSampleAgeMs").isNumber()) {
          return;
        }
      } catch (java.io.IOException notYet) {
        // still starting
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("exporter did not start");
  }

  private static JsonNode getJson(HttpClient http, int port, String path) throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
            HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(response.body());
  }

  /** utime + stime of a process, from /proc (Linux). */
  private static long processCpuNanos(long pid) throws Exception {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    return ticks * 10_000_000L; // USER_HZ = 100
  }

  private static long rssKb(long pid) throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }

  private static long median(long[] values) {
    return percentile(values, 50);
  }

  private static long percentile(long[] values, int p) {
    if (values.length == 0) {
      return 0;
    }
    long[] sorted = values.clone();
    java.util.Arrays.sort(sorted);
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  private static String us(long nanos) {
    return String.format(Locale.ROOT, "%.1f µs", nanos / 1000.0);
  }

  private static String ms(long nanos) {
    return String.format(Locale.ROOT, "%.2f ms", nanos / 1e6);
  }

  private static String row(String what, String measured, String target) {
    return "| " + what + " | " + measured + " | " + target + " |";
  }

  /** A real-driver run keeps its own section, beside the fake's. */
  static final String BEGIN = "<!-- gpu-exporter" + (REAL ? "-real" : "") + ":begin -->";

  static final String END = "<!-- gpu-exporter" + (REAL ? "-real" : "") + ":end -->";

  /** The 1-minute load average: other builds on a shared machine inflate jitter. */
  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (java.io.IOException e) {
      return "?";
    }
  }

  private static String section(List<String> rows, String load) {
    String intro =
        """
        ## gpu-exporter%s

        Command: `./mvnw -pl gpu-exporter test-compile exec:exec@bench` (tool:
        `io.qwenops.exporter.bench.ExporterBenchmark` in the module's test sources; add
        `-Dbench.nvml=/path/to/libnvidia-ml.so.1` to measure a real driver). %s, 500 ms interval. The fake
        answers in nanoseconds where the real driver takes microseconds per call, so with the fake the tick figures
        are the exporter's own overhead. The exporter runs in its own JVM (`%s`); the %d clients run in the
        benchmark's JVM on the same cores. Run %sZ on %d cores, Java %s, %s.

        | measure | result | target |
        |---|---|---|
        """
            .formatted(
                REAL ? " (real NVML)" : "",
                LIBRARY_DESCRIPTION,
                EXPORTER_JVM_FLAGS,
                CLIENTS,
                Instant.now().toString().substring(0, 16),
                Runtime.getRuntime().availableProcessors(),
                Runtime.version(),
                load);
    return BEGIN + "\n" + intro + String.join("\n", rows) + "\n" + END;
  }

  private static void write(Path report, String section) throws Exception {
    String text =
        Files.exists(report)
            ? Files.readString(report)
            : "# Benchmarks\n\nEach module records its own numbers below, with the command that produced them.\n";
    int begin = text.indexOf(BEGIN);
    int end = text.indexOf(END);
    if (begin >= 0 && end > begin) {
      text = text.substring(0, begin) + section + text.substring(end + END.length());
    } else {
      text = text.stripTrailing() + "\n\n" + section + "\n";
    }
    Files.writeString(report, text);
  }

  private ExporterBenchmark() {}
}
