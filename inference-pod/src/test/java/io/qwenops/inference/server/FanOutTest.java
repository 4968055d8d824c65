package io.qwenops.inference.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qwenops.inference.api.ModelSlot;
import io.qwenops.inference.api.PromptTokenizer;
import io.qwenops.inference.api.ServingModel;
import io.qwenops.inference.api.chat.ChatTemplate;
import io.qwenops.inference.api.wire.RequestLimits;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A request's fan-out (prompts × n) is capped with a 400 that names the limit, and counted against
 * the waiting queue before a single prompt is tokenized: a request the queue can never hold gets
 * 400, one that does not fit right now 429, and neither queues any part of itself.
 */
class FanOutTest {

  /** Counts encode calls, to show a refused request tokenized nothing. */
  private static final class CountingTokenizer implements PromptTokenizer {
    final AtomicInteger encoded = new AtomicInteger();

    @Override
    public int[] encode(String text) {
      encoded.incrementAndGet();
      return TestTokenizers.QWEN.encode(text);
    }

    @Override
    public String decode(int[] ids, boolean skipSpecialTokens) {
      return TestTokenizers.QWEN.decode(ids, skipSpecialTokens);
    }
  }

  private final CountingTokenizer tokenizer = new CountingTokenizer();

  private ServingModel model(ScriptedEngine engine) {
    return new ServingModel(
        "scripted", "/models/scripted", engine, tokenizer, ChatTemplate.chatMl(), 151936, 0);
  }

  private static String completions(int prompts, int n) {
    ObjectNode body = Http.JSON.createObjectNode();
    ArrayNode list = body.putArray("prompt");
    for (int i = 0; i < prompts; i++) {
      list.add("p");
    }
    return body.put("n", n).put("max_tokens", 2).toString();
  }

  @Test
  void tooManyPromptsOrChoicesAre400NamingTheLimit() {
    ScriptedEngine engine = new ScriptedEngine(new int[] {9707}, 100_000);
    try (TestServer server = new TestServer(ModelSlot.of(model(engine)), null, 8 << 20)) {
      HttpResponse<String> prompts = server.http.post("/v1/completions", completions(20_000, 1));
      OpenAiServerTest.assertError(
          prompts, 400, "invalid_request_error", "prompt", "--max-prompts-per-request");
      assertThat(Http.json(prompts).get("error").get("message").asText())
          .contains("20000")
          .contains(String.valueOf(RequestLimits.DEFAULT_MAX_PROMPTS));
      HttpResponse<String> choices = server.http.post("/v1/completions", completions(10, 64));
      OpenAiServerTest.assertError(
          choices, 400, "invalid_request_error", "n", "--max-choices-per-request");
      assertThat(Http.json(choices).get("error").get("message").asText()).contains("640");
      assertThat(engine.seen).isEmpty();
      assertThat(tokenizer.encoded).hasValue(0);
    }
  }

  @Test
  void aRequestTheQueueCanNeverHoldIs400NotARetry() {
    ScriptedEngine engine = new ScriptedEngine(new int[] {9707}, 8);
    try (TestServer server =
        new TestServer(ModelSlot.of(model(engine)), null, 1 << 20, new RequestLimits(64, 64))) {
      HttpResponse<String> res = server.http.post("/v1/completions", completions(4, 4));
      OpenAiServerTest.assertError(res, 400, "invalid_request_error", "n", "--max-waiting");
      assertThat(res.headers().firstValue("Retry-After")).isEmpty();
      String chat =
          "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"n\":9,\"max_tokens\":2}";
      OpenAiServerTest.assertError(
          server.http.post("/v1/chat/completions", chat),
          400,
          "invalid_request_error",
          "n",
          "--max-waiting");
      assertThat(engine.seen).isEmpty();
      assertThat(tokenizer.encoded).hasValue(0);
    }
  }

  @Test
  void aRequestThatDoesNotFitNowIs429BeforeAnyPartIsQueued() throws Exception {
    ScriptedEngine engine = new ScriptedEngine(new int[] {9707}, 8);
    try (TestServer server = new TestServer(ModelSlot.of(model(engine)), null, 1 << 20)) {
      CompletableFuture<HttpResponse<String>> first =
          CompletableFuture.supplyAsync(
              () -> server.http.post("/v1/completions", completions(1, 6)));
      while (engine.seen.size() < 6) {
        Thread.sleep(5);
      }
      int encodedBefore = tokenizer.encoded.get();
      HttpResponse<String> second = server.http.post("/v1/completions", completions(3, 1));
      assertThat(second.statusCode()).isEqualTo(429);
      assertThat(second.headers().firstValue("Retry-After")).hasValue("1");
      JsonNode error = Http.json(second).get("error");
      assertThat(error.get("type").asText()).isEqualTo("rate_limit_error");
      assertThat(error.get("message").asText()).contains("6 requests are already waiting");
      assertThat(engine.seen).hasSize(6);
      assertThat(tokenizer.encoded).hasValue(encodedBefore);
      engine.runAll();
      assertThat(first.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      // The queue has room again: the same request is served.
      CompletableFuture<HttpResponse<String>> retry =
          CompletableFuture.supplyAsync(
              () -> server.http.post("/v1/completions", completions(3, 1)));
      while (engine.seen.size() < 9) {
        Thread.sleep(5);
      }
      engine.runAll();
      assertThat(retry.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }
  }
}
