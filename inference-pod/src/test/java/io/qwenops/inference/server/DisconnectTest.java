package io.qwenops.inference.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.qwenops.inference.engine.EngineStats;
import io.qwenops.inference.engine.InferenceEngine;
import io.qwenops.inference.engine.LogprobsMode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A client that hangs up aborts its request in the engine, in every state: streaming or not, queued
 * or running. Its KV blocks come back and the server keeps serving.
 */
class DisconnectTest {

  /** Generous against a loaded CI box; the server itself notices within about 0.6 s. */
  private static final long ABORT_DEADLINE_NANOS = 5_000_000_000L;

  private static Main.RunningServer oneSeat;

  /**
   * A server that runs one sequence at a time and lets one run long (4,096 tokens of context), so
   * that a second request waits in the queue for as long as a test needs.
   */
  static synchronized Main.RunningServer oneSeat() {
    if (oneSeat == null) {
      ServerOptions tiny = TinyModel.options(null);
      ServerOptions options =
          new ServerOptions(
              tiny.model(),
              TinyModel.NAME,
              "127.0.0.1",
              0,
              "cpu",
              "float32",
              null,
              4096,
              1,
              128,
              null,
              8L << 20,
              64,
              null,
              64 * 1024,
              io.qwenops.inference.api.wire.RequestLimits.defaults(),
              false,
              LogprobsMode.RAW_LOGPROBS);
      oneSeat = Main.start(options, new QwenModelLoader(), Map.of());
      TinyModel.awaitReady(oneSeat.slot());
    }
    return oneSeat;
  }

  @AfterAll
  static void stop() {
    if (oneSeat != null) {
      oneSeat.stop();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"/v1/completions", "/v1/chat/completions"})
  void closingTheStreamAbortsTheRequestAndFreesItsBlocks(String path) throws Exception {
    Main.RunningServer server = TinyModel.server();
    InferenceEngine engine = TinyModel.model().engine();
    awaitIdle(engine);
    double abortsBefore = aborts(server);
    String body =
        path.contains("chat")
            ? "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"max_tokens\":200,"
                + "\"ignore_eos\":true,\"stream\":true}"
            : "{\"prompt\":\"Hi\",\"max_tokens\":250,\"ignore_eos\":true,\"stream\":true}";
    try (Socket socket = send(server, path, body)) {
      readUntil(socket, 3);
      EngineStats busy = engine.stats();
      assertThat(busy.running()).isEqualTo(1);
      assertThat(busy.kvBlocksFree()).isLessThan(busy.kvBlocksTotal());
    }
    EngineStats after = awaitIdle(engine);
    assertThat(after.running()).isZero();
    assertThat(after.kvBlocksFree()).isEqualTo(after.kvBlocksTotal());
    assertThat(aborts(server)).isEqualTo(abortsBefore + 1);
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void aQueuedRequestWhoseClientLeavesIsAbortedBeforeItRuns(boolean stream) throws Exception {
    Main.RunningServer server = oneSeat();
    InferenceEngine engine = server.slot().current().orElseThrow().engine();
    awaitIdle(engine);
    double abortsBefore = aborts(server);
    try (Socket blocker = send(server, "/v1/completions", longCompletion(4000, true))) {
      readUntil(blocker, 1);
      await(engine, s -> s.running() == 1, "the blocker runs");
      // A streamed completion without echo writes nothing before its first token; a chat answer
      // without streaming nothing before its end: only keep-alives can notice the hang-up.
      Socket waiting =
          send(server, path(!stream), stream ? longCompletion(100, true) : longChat(100, false));
      await(engine, s -> s.waiting() == 1, "the second request waits");
      waiting.close();
      long closed = System.nanoTime();
      await(engine, s -> s.waiting() == 0, "the waiting request is aborted");
      long noticedMs = (System.nanoTime() - closed) / 1_000_000;
      assertThat(engine.stats().running()).as("the blocker still runs").isEqualTo(1);
      assertThat(noticedMs).as("ms until the queued request was aborted").isLessThan(5000);
    }
    EngineStats after = awaitIdle(engine);
    assertThat(after.kvBlocksFree()).isEqualTo(after.kvBlocksTotal());
    assertThat(aborts(server)).isEqualTo(abortsBefore + 2);
    assertServes(server);
  }

  @Test
  void aRunningNonStreamingRequestWhoseClientLeavesIsAborted() throws Exception {
    Main.RunningServer server = oneSeat();
    InferenceEngine engine = server.slot().current().orElseThrow().engine();
    awaitIdle(engine);
    double abortsBefore = aborts(server);
    try (Socket socket = send(server, "/v1/completions", longCompletion(4000, false))) {
      await(engine, s -> s.running() == 1, "the request runs");
      assertThat(engine.stats().kvBlocksFree()).isLessThan(engine.stats().kvBlocksTotal());
    }
    long closed = System.nanoTime();
    EngineStats after = await(engine, s -> s.running() == 0, "the request is aborted");
    assertThat((System.nanoTime() - closed) / 1_000_000).isLessThan(5000);
    assertThat(after.kvBlocksFree()).isEqualTo(after.kvBlocksTotal());
    assertThat(aborts(server)).isEqualTo(abortsBefore + 1);
    assertServes(server);
  }

  @Test
  void clientsThatStayParseAnswersThatWaitedBehindKeepAlives() throws Exception {
    Main.RunningServer server = oneSeat();
    InferenceEngine engine = server.slot().current().orElseThrow().engine();
    awaitIdle(engine);
    OpenAIClient sdk =
        OpenAIOkHttpClient.builder()
            .baseUrl("http://127.0.0.1:" + server.port() + "/v1")
            .apiKey("unused")
            .responseValidation(true)
            .maxRetries(0)
            .timeout(Duration.ofSeconds(120))
            .build();
    ChatCompletionCreateParams chat =
        ChatCompletionCreateParams.builder()
            .model(TinyModel.NAME)
            .addUserMessage("Hi")
            .maxCompletionTokens(3)
            .temperature(0.0)
            .build();
    Http http = new Http(server.port());
    try {
      // Each answer waits in the queue behind a blocker, so its connection carries keep-alives
      // before the answer: pings in a stream, spaces before JSON.
      HttpResponse<String> plain =
          behindABlocker(server, () -> http.post("/v1/completions", longCompletion(5, false)));
      assertThat(plain.statusCode()).isEqualTo(200);
      assertThat(plain.headers().firstValue("Content-Type")).hasValue("application/json");
      assertThat(plain.body()).startsWith(" ");
      assertThat(Http.json(plain).get("usage").get("completion_tokens").asInt()).isEqualTo(5);
      HttpResponse<String> stream =
          behindABlocker(server, () -> http.post("/v1/completions", longCompletion(2, true)));
      assertThat(stream.body()).startsWith(": ping\n\n");
      assertThat(Http.events(stream.body()).getLast()).isEqualTo("[DONE]");
      assertThat(behindABlocker(server, () -> sdk.chat().completions().create(chat)).choices())
          .hasSize(1);
      long chunks =
          behindABlocker(
              server,
              () -> {
                try (StreamResponse<ChatCompletionChunk> s =
                    sdk.chat().completions().createStreaming(chat)) {
                  return s.stream().count();
                }
              });
      assertThat(chunks).isGreaterThanOrEqualTo(2);
    } finally {
      sdk.close();
    }
  }

  /**
   * Runs {@code call} while a long request occupies the server's one seat: once the call's request
   * waits in the queue, it stays there for 700 ms (two keep-alive intervals), then the blocker's
   * client leaves and the call's request runs.
   */
  private static <T> T behindABlocker(Main.RunningServer server, Callable<T> call)
      throws Exception {
    InferenceEngine engine = server.slot().current().orElseThrow().engine();
    awaitIdle(engine);
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<T> result;
      try (Socket blocker = send(server, "/v1/completions", longCompletion(4000, true))) {
        readUntil(blocker, 1);
        result = pool.submit(call);
        await(engine, s -> s.waiting() == 1, "the call's request waits");
        Thread.sleep(700);
      }
      return result.get(60, TimeUnit.SECONDS);
    }
  }

  private static void assertServes(Main.RunningServer server) {
    HttpResponse<String> ok =
        new Http(server.port())
            .post("/v1/completions", "{\"prompt\":\"Hi\",\"max_tokens\":2,\"ignore_eos\":true}");
    assertThat(ok.statusCode()).isEqualTo(200);
  }

  private static String path(boolean chat) {
    return chat ? "/v1/chat/completions" : "/v1/completions";
  }

  /** Greedy: the tiny model makes a token in a few ms (its sampling defaults cost far more). */
  private static String longCompletion(int maxTokens, boolean stream) {
    return "{\"prompt\":\"Hi\",\"max_tokens\":"
        + maxTokens
        + ",\"ignore_eos\":true,\"temperature\":0,\"stream\":"
        + stream
        + "}";
  }

  private static String longChat(int maxTokens, boolean stream) {
    return "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"max_tokens\":"
        + maxTokens
        + ",\"ignore_eos\":true,\"temperature\":0,\"stream\":"
        + stream
        + "}";
  }

  static Socket send(Main.RunningServer server, String path, String body) throws IOException {
    Socket socket = new Socket("127.0.0.1", server.port());
    OutputStream out = socket.getOutputStream();
    out.write(
        ("POST "
                + path
                + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length
                + "\r\n\r\n"
                + body)
            .getBytes(StandardCharsets.UTF_8));
    out.flush();
    return socket;
  }

  /** Reads the stream until it has seen {@code frames} data frames. */
  static void readUntil(Socket socket, int frames) throws IOException {
    InputStream in = socket.getInputStream();
    StringBuilder seen = new StringBuilder();
    byte[] buffer = new byte[4096];
    while (count(seen, "data: ") < frames) {
      int n = in.read(buffer);
      assertThat(n).as("stream ended early: " + seen).isPositive();
      seen.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
    }
  }

  static EngineStats await(InferenceEngine engine, Predicate<EngineStats> condition, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + ABORT_DEADLINE_NANOS;
    EngineStats s = engine.stats();
    while (!condition.test(s) && System.nanoTime() < deadline) {
      Thread.sleep(10);
      s = engine.stats();
    }
    assertThat(condition.test(s)).as(what + " (stats: " + s + ")").isTrue();
    return s;
  }

  static EngineStats awaitIdle(InferenceEngine engine) throws InterruptedException {
    long deadline = System.nanoTime() + 60_000_000_000L;
    EngineStats s = engine.stats();
    while ((s.running() > 0 || s.waiting() > 0 || s.kvBlocksFree() < s.kvBlocksTotal())
        && System.nanoTime() < deadline) {
      Thread.sleep(20);
      s = engine.stats();
    }
    return s;
  }

  static double aborts(Main.RunningServer server) {
    String metrics = new Http(server.port()).get("/metrics").body();
    return metrics
        .lines()
        .filter(l -> l.startsWith("vllm:request_success_total{finished_reason=\"abort\""))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  static int count(CharSequence text, String what) {
    int n = 0;
    for (int i = text.toString().indexOf(what); i >= 0; i = text.toString().indexOf(what, i + 1)) {
      n++;
    }
    return n;
  }
}
