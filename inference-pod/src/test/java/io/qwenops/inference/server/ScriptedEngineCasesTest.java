package io.qwenops.inference.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.qwenops.inference.api.ModelSlot;
import io.qwenops.inference.api.ServingModel;
import io.qwenops.inference.api.chat.ChatTemplate;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The cases a random-weight model cannot produce on demand, against a scripted test double of the
 * engine: a full waiting queue (429 + Retry-After) and a reply that is a Qwen tool call. Everything
 * else runs on the real engine (see {@link OpenAiServerTest}).
 */
class ScriptedEngineCasesTest {

  static final String TOOL_REPLY =
      "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>";
  static final String TOOLS =
      "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
          + "\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}}}]";

  static ServingModel model(io.qwenops.inference.engine.InferenceEngine engine) {
    return new ServingModel(
        "scripted",
        "/models/scripted",
        engine,
        TestTokenizers.QWEN,
        ChatTemplate.chatMl(),
        151936,
        0);
  }

  @Test
  void aFullQueueIs429WithRetryAfter() throws Exception {
    ScriptedEngine engine = new ScriptedEngine(new int[] {9707}, 1);
    try (TestServer server = new TestServer(ModelSlot.of(model(engine)), null, 1 << 20)) {
      String body = "{\"prompt\":\"Hi\",\"max_tokens\":4}";
      CompletableFuture<HttpResponse<String>> first =
          CompletableFuture.supplyAsync(() -> server.http.post("/v1/completions", body));
      assertThat(engine.submitted.await(30, TimeUnit.SECONDS)).isTrue();
      HttpResponse<String> second = server.http.post("/v1/completions", body);
      assertThat(second.statusCode()).isEqualTo(429);
      assertThat(second.headers().firstValue("Retry-After")).hasValue("1");
      JsonNode error = Http.json(second).get("error");
      assertThat(error.get("message").asText()).contains("busy");
      assertThat(error.get("type").asText()).isEqualTo("rate_limit_error");
      engine.runAll();
      assertThat(first.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void aToolCallReplyBecomesOpenAiToolCalls() throws Exception {
    ScriptedEngine engine = new ScriptedEngine(TestTokenizers.QWEN.encode(TOOL_REPLY), 8);
    try (TestServer server = new TestServer(ModelSlot.of(model(engine)), null, 1 << 20)) {
      String body =
          "{\"messages\":[{\"role\":\"user\",\"content\":\"Weather in Paris?\"}]," + TOOLS + "}";
      CompletableFuture<HttpResponse<String>> reply =
          CompletableFuture.supplyAsync(() -> server.http.post("/v1/chat/completions", body));
      engine.submitted.await(30, TimeUnit.SECONDS);
      engine.runAll();
      JsonNode choice = Http.json(reply.get(30, TimeUnit.SECONDS)).get("choices").get(0);
      assertThat(choice.get("finish_reason").asText()).isEqualTo("tool_calls");
      assertThat(choice.get("message").get("content").isNull()).isTrue();
      JsonNode call = choice.get("message").get("tool_calls").get(0);
      assertThat(call.get("type").asText()).isEqualTo("function");
      assertThat(call.get("id").asText()).startsWith("call_");
      assertThat(call.get("function").get("name").asText()).isEqualTo("get_weather");
      assertThat(call.get("function").get("arguments").asText()).isEqualTo("{\"city\":\"Paris\"}");
    }
  }

  @Test
  void aStreamedToolCallArrivesAsToolCallDeltas() throws Exception {
    ScriptedEngine engine = new ScriptedEngine(TestTokenizers.QWEN.encode(TOOL_REPLY), 8);
    try (TestServer server = new TestServer(ModelSlot.of(model(engine)), null, 1 << 20)) {
      String body =
          "{\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Weather?\"}],"
              + TOOLS
              + "}";
      CompletableFuture<HttpResponse<String>> reply =
          CompletableFuture.supplyAsync(() -> server.http.post("/v1/chat/completions", body));
      engine.submitted.await(30, TimeUnit.SECONDS);
      engine.runAll();
      List<String> events = Http.events(reply.get(30, TimeUnit.SECONDS).body());
      assertThat(events.getLast()).isEqualTo("[DONE]");
      JsonNode calls = Http.JSON.readTree(events.get(events.size() - 3)).get("choices").get(0);
      assertThat(calls.get("delta").get("tool_calls").get(0).get("index").asInt()).isZero();
      assertThat(calls.get("delta").get("tool_calls").get(0).get("function").get("name").asText())
          .isEqualTo("get_weather");
      JsonNode last = Http.JSON.readTree(events.get(events.size() - 2)).get("choices").get(0);
      assertThat(last.get("finish_reason").asText()).isEqualTo("tool_calls");
      assertThat(String.join("", events)).doesNotContain("<tool_call>");
    }
  }
}
