package io.qwenops.inference.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.webserver.WebServer;
import io.qwenops.inference.api.ModelSlot;
import io.qwenops.inference.api.OpenAiRouting;
import io.qwenops.inference.api.ServingModel;
import io.qwenops.inference.api.chat.ChatTemplate;
import io.qwenops.inference.api.generate.RequestMetrics;
import io.qwenops.inference.api.wire.RequestLimits;
import io.qwenops.inference.model.TestCheckpoints;
import io.qwenops.inference.server.TestTokenizers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;

/**
 * The production API routes over the real engine on the tiny checkpoint, with a {@link StepHook}
 * that the test controls: what a client sees when a step fails.
 */
final class FaultyServer implements AutoCloseable {

  static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  final LoadedModel model;
  final WebServer server;

  /** Released once per engine submit (the request is queued in the engine). */
  final Semaphore submitted = new Semaphore(0);

  FaultyServer(StepHook hook) throws IOException {
    model =
        QwenEngines.load(
            TestCheckpoints.tiny(),
            EngineOptions.defaults()
                .withDevice("cpu")
                .withBlockSize(4)
                .withMaxModelLen(64)
                .withKvCacheBytes(1L << 20)
                .withMaxNumSeqs(4)
                .withMaxWaiting(8),
            hook,
            new Sha256BlockHasher());
    ServingModel serving =
        new ServingModel(
            "faulty",
            "/models/faulty",
            new NoticedSubmits(model.engine(), submitted),
            TestTokenizers.QWEN,
            ChatTemplate.chatMl(),
            model.config().vocabSize(),
            0);
    ModelSlot slot = ModelSlot.of(serving);
    server =
        WebServer.builder()
            .host("127.0.0.1")
            .port(0)
            .routing(
                r -> {
                  OpenAiRouting.register(
                      r,
                      slot,
                      RequestMetrics.NONE,
                      null,
                      1 << 20,
                      RequestLimits.defaults(),
                      "test");
                  OpenAiRouting.finish(r);
                })
            .build()
            .start();
  }

  InferenceEngine engine() {
    return model.engine();
  }

  /** A greedy completion of a few tokens, by token ids, under the given X-Request-Id. */
  HttpResponse<String> complete(String requestId, boolean stream) {
    return post(requestId, body(stream));
  }

  CompletableFuture<HttpResponse<String>> completeLater(String requestId, boolean stream) {
    return CompletableFuture.supplyAsync(() -> post(requestId, body(stream)));
  }

  private static String body(boolean stream) {
    return "{\"prompt\":[9707,11,1879,0,3555],\"max_tokens\":6,\"temperature\":0,\"ignore_eos\":true,"
        + "\"stream\":"
        + stream
        + "}";
  }

  HttpResponse<String> get(String path) {
    return send(HttpRequest.newBuilder(uri(path)).GET());
  }

  private HttpResponse<String> post(String requestId, String body) {
    return send(
        HttpRequest.newBuilder(uri("/v1/completions"))
            .header("Content-Type", "application/json")
            .header("X-Request-Id", requestId)
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return CLIENT.send(
          request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static JsonNode json(String body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + body, e);
    }
  }

  @Override
  public void close() {
    server.stop();
    model.close();
  }

  /** The engine as it is, telling the test when a submit has gone through. */
  private record NoticedSubmits(InferenceEngine engine, Semaphore submitted)
      implements InferenceEngine {
    @Override
    public void submit(GenerationRequest request, GenerationListener listener) {
      engine.submit(request, listener);
      submitted.release();
    }

    @Override
    public void abort(String requestId) {
      engine.abort(requestId);
    }

    @Override
    public EngineStats stats() {
      return engine.stats();
    }

    @Override
    public boolean healthy() {
      return engine.healthy();
    }

    @Override
    public int maxModelLen() {
      return engine.maxModelLen();
    }

    @Override
    public void close() {}
  }
}
