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

  static final String TWO_CALLS =
      "Let me look.\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\","
          + " \"unit\": \"celsius\"}}\n</tool_call>\n<tool_call>\n{\"name\": \"get_weather\","
          + " \"arguments\": {\"city\": \"Lyon\"}}\n</tool_call>";

  /** The scripted reply as a plain answer and as a stream, with the request's extra fields. */
  private static JsonNode[] plainAndStreamed(String script, String extra) throws Exception {
    JsonNode[] out = new JsonNode[2];
    for (int k = 0; k < 2; k++) {
      ScriptedEngine engine = new ScriptedEngine(TestTokenizers.QWEN.encode(script), 8);
      try (TestServer server = new TestServer(ModelSlot.of(model(engine)), null, 1 << 20)) {
        String body =
            "{\"stream\":"
                + (k == 1)
                + extra
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Weather?\"}],"
                + TOOLS
                + "}";
        CompletableFuture<HttpResponse<String>> reply =
            CompletableFuture.supplyAsync(() -> server.http.post("/v1/chat/completions", body));
        engine.submitted.await(30, TimeUnit.SECONDS);
        engine.runAll();
        HttpResponse<String> r = reply.get(30, TimeUnit.SECONDS);
        out[k] = k == 0 ? Http.json(r) : assembled(Http.events(r.body()));
      }
    }
    return out;
  }

  /** What a client builds from OpenAI's deltas: content, calls by index, the finish reason. */
  private static JsonNode assembled(List<String> events) throws Exception {
    assertThat(events.getLast()).isEqualTo("[DONE]");
    StringBuilder content = new StringBuilder();
    com.fasterxml.jackson.databind.node.ArrayNode calls = Http.JSON.createArrayNode();
    String reason = null;
    for (String e : events.subList(0, events.size() - 1)) {
      JsonNode choice = Http.JSON.readTree(e).get("choices").get(0);
      JsonNode delta = choice.get("delta");
      content.append(delta.path("content").asText(""));
      for (JsonNode d : delta.path("tool_calls")) {
        int index = d.get("index").asInt();
        if (d.has("id")) {
          assertThat(index).isEqualTo(calls.size());
          assertThat(d.get("type").asText()).isEqualTo("function");
          assertThat(d.get("function").get("arguments").asText()).isEmpty();
          calls
              .addObject()
              .put("name", d.get("function").get("name").asText())
              .put("arguments", "");
        } else {
          assertThat(d.has("type")).isFalse();
          com.fasterxml.jackson.databind.node.ObjectNode call =
              (com.fasterxml.jackson.databind.node.ObjectNode) calls.get(index);
          call.put(
              "arguments",
              call.get("arguments").asText() + d.get("function").get("arguments").asText());
        }
      }
      if (!choice.get("finish_reason").isNull()) {
        reason = choice.get("finish_reason").asText();
      }
    }
    return Http.JSON
        .createObjectNode()
        .put("content", content.toString())
        .put("finish_reason", reason)
        .set("calls", calls);
  }

  @Test
  void streamedToolCallDeltasAddUpToThePlainAnswersCallsInOrder() throws Exception {
    JsonNode[] both = plainAndStreamed(TWO_CALLS, "");
    JsonNode plain = both[0].get("choices").get(0);
    JsonNode streamed = both[1];
    assertThat(plain.get("finish_reason").asText()).isEqualTo("tool_calls");
    assertThat(streamed.get("finish_reason").asText()).isEqualTo("tool_calls");
    JsonNode plainCalls = plain.get("message").get("tool_calls");
    assertThat(plainCalls).hasSize(2);
    assertThat(streamed.get("calls")).hasSize(2);
    for (int k = 0; k < 2; k++) {
      assertThat(streamed.get("calls").get(k).get("name").asText())
          .isEqualTo(plainCalls.get(k).get("function").get("name").asText());
      assertThat(streamed.get("calls").get(k).get("arguments").asText())
          .isEqualTo(plainCalls.get(k).get("function").get("arguments").asText());
    }
    assertThat(plainCalls.get(1).get("function").get("arguments").asText())
        .isEqualTo("{\"city\":\"Lyon\"}");
    assertThat(streamed.get("content").asText()).isEqualTo("Let me look.\n");
    assertThat(streamed.toString()).doesNotContain("tool_call>");
  }

  @Test
  void parallelToolCallsFalseStreamsOneCall() throws Exception {
    JsonNode[] both = plainAndStreamed(TWO_CALLS, ",\"parallel_tool_calls\":false");
    assertThat(both[0].get("choices").get(0).get("message").get("tool_calls")).hasSize(1);
    assertThat(both[1].get("calls")).hasSize(1);
    assertThat(both[1].get("calls").get(0).get("arguments").asText())
        .isEqualTo("{\"city\":\"Paris\",\"unit\":\"celsius\"}");
    assertThat(both[1].get("finish_reason").asText()).isEqualTo("tool_calls");
  }
}
