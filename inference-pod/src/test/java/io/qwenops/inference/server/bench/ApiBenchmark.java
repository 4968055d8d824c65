package io.qwenops.inference.server.bench;

import io.qwenops.inference.api.ServingModel;
import io.qwenops.inference.engine.FinishReason;
import io.qwenops.inference.engine.GenerationListener;
import io.qwenops.inference.engine.GenerationRequest;
import io.qwenops.inference.engine.LogprobsMode;
import io.qwenops.inference.engine.RequestTimings;
import io.qwenops.inference.engine.SamplingParams;
import io.qwenops.inference.engine.TokenOutput;
import io.qwenops.inference.model.CheckpointWriter;
import io.qwenops.inference.model.ModelShape;
import io.qwenops.inference.server.Main;
import io.qwenops.inference.server.ModelLoader;
import io.qwenops.inference.server.QwenModelLoader;
import io.qwenops.inference.server.ServerOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What the HTTP layer costs on top of the engine: the same greedy generation straight through
 * {@code InferenceEngine.submit} and through {@code POST /v1/completions} (streamed SSE and plain
 * JSON), then streamed requests at concurrency 1, 4 and 16 (client-side TTFT and aggregate
 * tokens/s). Runs the real server on a tiny random checkpoint on CPU, so the numbers isolate the
 * API's overhead, not model speed.
 *
 * <p>Usage: {@code ./mvnw -pl inference-pod test-compile exec:exec@api-bench}; with a path argument
 * the results replace the inference-api section of that benchmarks.md.
 */
public final class ApiBenchmark {

  static final int TOKENS = 32;
  static final HttpClient HTTP = HttpClient.newHttpClient();

  public static void main(String[] args) throws Exception {
    Path dir = Path.of("target", "bench-models", "qwen-tiny").toAbsolutePath();
    CheckpointWriter.write(dir, CheckpointWriter.Spec.of(ModelShape.TINY));
    List<String> rows = new ArrayList<>();
    apiAlone(dir, rows);
    realEngine(dir, rows);
    String table = table(rows);
    System.out.println(table);
    if (args.length > 0) {
      record(Path.of(args[0]), table);
    }
  }

  /** The HTTP layer over an engine that costs nothing: the API's own price per token. */
  static void apiAlone(Path dir, List<String> rows) throws Exception {
    ServerOptions options = options(dir);
    Main.RunningServer server =
        Main.start(
            options,
            o -> {
              ServingModel real = new QwenModelLoader().load(o).model();
              real.engine().close();
              return new ModelLoader.Loaded(
                  new ServingModel(
                      real.name(),
                      real.root(),
                      new InstantEngine(),
                      real.tokenizer(),
                      real.chatTemplate(),
                      real.vocabSize(),
                      real.createdEpochSeconds()),
                  false,
                  () -> {});
            },
            Map.of());
    try {
      String base = awaitReady(server);
      int tokens = 4000;
      for (int i = 0; i < 3; i++) {
        request(base, true, tokens);
        request(base, false, tokens);
      }
      double sse = median(repeat(7, () -> request(base, true, tokens).totalMs));
      double json = median(repeat(7, () -> request(base, false, tokens).totalMs));
      rows.add(
          row(
              "API alone (instant engine): one SSE stream of " + tokens + " tokens",
              fmt(sse * 1000 / tokens) + " µs/token",
              fmt(tokens / (sse / 1000)) + " tokens/s on one stream"));
      rows.add(
          row(
              "API alone: one JSON response of " + tokens + " tokens",
              fmt(json * 1000 / tokens) + " µs/token",
              fmt(tokens / (json / 1000)) + " tokens/s"));
      rows.add(concurrency(base, 16, tokens / 4, 2, "API alone: 16 concurrent SSE streams"));
    } finally {
      server.stop();
    }
  }

  /** The real engine on the tiny checkpoint: batching across concurrent HTTP streams. */
  static void realEngine(Path dir, List<String> rows) throws Exception {
    Main.RunningServer server = Main.start(options(dir), new QwenModelLoader(), Map.of());
    try {
      String base = awaitReady(server);
      ServingModel model = server.slot().current().orElseThrow();
      int[] prompt = model.tokenizer().encode(PROMPT);
      for (int i = 0; i < 2; i++) {
        direct(model, prompt);
        request(base, true, TOKENS);
      }
      double directMs = median(repeat(3, () -> direct(model, prompt)));
      double sseMs = median(repeat(3, () -> request(base, true, TOKENS).totalMs));
      rows.add(
          row(
              "tiny engine: engine.submit, " + TOKENS + " tokens",
              fmt(directMs) + " ms",
              fmt(TOKENS / (directMs / 1000)) + " tokens/s"));
      rows.add(
          row(
              "tiny engine: the same through SSE",
              fmt(sseMs) + " ms",
              fmt(TOKENS / (sseMs / 1000)) + " tokens/s"));
      for (int c : new int[] {1, 4, 16}) {
        rows.add(concurrency(base, c, TOKENS, 2, "tiny engine: " + c + " concurrent SSE streams"));
      }
    } finally {
      server.stop();
    }
  }

  static ServerOptions options(Path dir) {
    return new ServerOptions(
        dir.toString(),
        "qwen-tiny",
        "127.0.0.1",
        0,
        "cpu",
        "float32",
        null,
        512,
        16,
        512,
        null,
        64L << 20,
        1024,
        null,
        8L << 20,
        io.qwenops.inference.api.wire.RequestLimits.defaults(),
        false,
        LogprobsMode.RAW_LOGPROBS);
  }

  static String awaitReady(Main.RunningServer server) throws InterruptedException {
    while (server.slot().current().isEmpty()) {
      if (server.slot().failure() != null) {
        throw new IllegalStateException(server.slot().failure());
      }
      Thread.sleep(50);
    }
    return "http://127.0.0.1:" + server.port();
  }

  /** Wall time of one greedy request straight through the engine, in ms. */
  static double direct(ServingModel model, int[] prompt) throws Exception {
    CompletableFuture<Void> done = new CompletableFuture<>();
    long start = System.nanoTime();
    SamplingParams greedy =
        new SamplingParams(
            0.0,
            null,
            null,
            null,
            null,
            0,
            0,
            null,
            TOKENS,
            List.of(),
            java.util.Set.of(),
            true,
            null,
            Map.of(),
            0);
    model
        .engine()
        .submit(
            new GenerationRequest("bench-" + System.nanoTime(), prompt, greedy),
            new GenerationListener() {
              @Override
              public void onToken(TokenOutput token) {}

              @Override
              public void onFinish(FinishReason reason, RequestTimings timings) {
                done.complete(null);
              }

              @Override
              public void onError(Throwable error) {
                done.completeExceptionally(error);
              }
            });
    done.get(5, TimeUnit.MINUTES);
    return (System.nanoTime() - start) / 1e6;
  }

  record Timed(double ttftMs, double totalMs) {}

  static final String PROMPT = "The quick brown fox jumps over the lazy dog.";

  static Timed request(String base, boolean sse, int tokens) throws Exception {
    String body =
        "{\"prompt\":\""
            + PROMPT
            + "\",\"max_tokens\":"
            + tokens
            + ",\"ignore_eos\":true,\"temperature\":0,\"stream\":"
            + sse
            + "}";
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base + "/v1/completions"))
            .header("Content-Type", "application/json")
            .timeout(Duration.ofMinutes(5))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    long start = System.nanoTime();
    HttpResponse<Stream<String>> res = HTTP.send(request, HttpResponse.BodyHandlers.ofLines());
    if (res.statusCode() != 200) {
      throw new IllegalStateException("HTTP " + res.statusCode());
    }
    long first = 0;
    for (String line : (Iterable<String>) res.body()::iterator) {
      if (first == 0 && !line.isEmpty()) {
        first = System.nanoTime();
      }
    }
    long end = System.nanoTime();
    return new Timed((first - start) / 1e6, (end - start) / 1e6);
  }

  static String concurrency(String base, int clients, int tokens, int perClient, String what)
      throws Exception {
    List<Timed> all = Collections.synchronizedList(new ArrayList<>());
    long start = System.nanoTime();
    try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> futures = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        futures.add(
            pool.submit(
                () -> {
                  for (int r = 0; r < perClient; r++) {
                    all.add(request(base, true, tokens));
                  }
                  return null;
                }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    List<Double> ttft = all.stream().map(Timed::ttftMs).sorted().toList();
    double tokensPerSecond = all.size() * (double) tokens / seconds;
    return row(
        what + " (" + all.size() + " requests of " + tokens + " tokens)",
        fmt(tokensPerSecond) + " tokens/s",
        "TTFT p50 " + fmt(percentile(ttft, 50)) + " ms, p95 " + fmt(percentile(ttft, 95)) + " ms");
  }

  interface Measure {
    double run() throws Exception;
  }

  static List<Double> repeat(int n, Measure m) throws Exception {
    List<Double> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(m.run());
    }
    return out;
  }

  static double median(List<Double> values) {
    return percentile(values.stream().sorted().toList(), 50);
  }

  static double percentile(List<Double> sorted, int p) {
    int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
  }

  static String fmt(double v) {
    return String.format(java.util.Locale.ROOT, "%.1f", v);
  }

  static String row(String what, String result, String note) {
    return "| " + what + " | " + result + " | " + note + " |";
  }

  static String table(List<String> rows) {
    return "| measure | result | note |\n|---|---|---|\n" + String.join("\n", rows) + "\n";
  }

  static final String BEGIN = "<!-- inference-api:begin -->";
  static final String END = "<!-- inference-api:end -->";

  /** Replaces (or appends) this tool's section of benchmarks.md. */
  static void record(Path file, String table) throws Exception {
    String section =
        BEGIN
            + "\n## inference-pod API (HTTP layer over the engine)\n\n"
            + "Command: `./mvnw -pl inference-pod test-compile exec:exec@api-bench` (tool:\n"
            + "`io.qwenops.inference.server.bench.ApiBenchmark` in the module's test sources). The real server (`Main.start`,\n"
            + "routing, SSE writer, metrics) twice: first over an engine that emits tokens at no cost (`InstantEngine`, the\n"
            + "real tokenizer and template), which prices the API layer alone per token; then over the real engine on a tiny\n"
            + "random Qwen2 checkpoint (2 layers, hidden 64, the real 151,936-token vocabulary, CPU, float32,\n"
            + "max-num-seqs 16), greedy with ignore_eos. Client: java.net.http, TTFT = first SSE line. Medians after\n"
            + "warm-up. Other builds shared the 2 cores during the run, so the tiny-engine rows are noisy.\n"
            + "Run "
            + Instant.now().truncatedTo(ChronoUnit.MINUTES)
            + " on "
            + Runtime.getRuntime().availableProcessors()
            + " cores, Java "
            + Runtime.version()
            + ".\n\n"
            + table
            + END;
    String text =
        Files.exists(file)
            ? Files.readString(file)
            : "# Benchmarks\n\nEach module records its own numbers below, with the command that produced them.\n";
    int b = text.indexOf(BEGIN);
    int e = text.indexOf(END);
    if (b >= 0 && e > b) {
      text = text.substring(0, b) + section + text.substring(e + END.length());
    } else {
      text = text.stripTrailing() + "\n\n" + section + "\n";
    }
    Files.writeString(file, text);
  }
}
