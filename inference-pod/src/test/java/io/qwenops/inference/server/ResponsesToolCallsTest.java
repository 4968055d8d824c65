package io.qwenops.inference.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.qwenops.inference.api.ModelSlot;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Several tool calls on {@code /v1/responses}, from a scripted engine (random weights never write
 * two): function_call items in order after the message, the stream's argument deltas per item
 * adding up to the plain answer's, {@code parallel_tool_calls: false} keeping one.
 */
class ResponsesToolCallsTest {

  static final String TOOLS =
      "\"tools\":[{\"type\":\"function\",\"name\":\"get_weather\","
          + "\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}}]";

  private static String post(String body) throws Exception {
    ScriptedEngine engine =
        new ScriptedEngine(TestTokenizers.QWEN.encode(ScriptedEngineCasesTest.TWO_CALLS), 8);
    try (TestServer server =
        new TestServer(ModelSlot.of(ScriptedEngineCasesTest.model(engine)), null, 1 << 20)) {
      CompletableFuture<HttpResponse<String>> reply =
          CompletableFuture.supplyAsync(() -> server.http.post("/v1/responses", body));
      engine.submitted.await(30, TimeUnit.SECONDS);
      engine.runAll();
      HttpResponse<String> res = reply.get(30, TimeUnit.SECONDS);
      assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
      return res.body();
    }
  }

  private static List<String> types(JsonNode output) {
    List<String> out = new ArrayList<>();
    output.forEach(i -> out.add(i.get("type").asText()));
    return out;
  }

  @Test
  void twoCallsComeBackInOrderPlainAndStreamed() throws Exception {
    String request = "{\"input\":\"Weather in Paris and Lyon?\"," + TOOLS;
    JsonNode plain = Http.JSON.readTree(post(request + "}"));
    assertThat(types(plain.get("output")))
        .containsExactly("message", "function_call", "function_call");
    assertThat(plain.get("output").get(0).get("content").get(0).get("text").asText())
        .isEqualTo("Let me look.");
    assertThat(plain.get("output").get(2).get("arguments").asText())
        .isEqualTo("{\"city\":\"Lyon\"}");
    assertThat(plain.get("status").asText()).isEqualTo("completed");

    List<JsonNode> events = new ArrayList<>();
    for (String frame : post(request + ",\"stream\":true}").split("\n\n")) {
      if (frame.startsWith("event: ")) {
        events.add(Http.JSON.readTree(frame.substring(frame.indexOf("data: ") + 6)));
      }
    }
    JsonNode done = events.getLast().get("response");
    assertThat(types(done.get("output")))
        .containsExactly("message", "function_call", "function_call");
    for (int k = 1; k <= 2; k++) {
      JsonNode item = done.get("output").get(k);
      StringBuilder deltas = new StringBuilder();
      for (JsonNode e : events) {
        if (e.get("type").asText().equals("response.function_call_arguments.delta")
            && e.get("item_id").asText().equals(item.get("id").asText())) {
          assertThat(e.get("output_index").asInt()).isEqualTo(k);
          deltas.append(e.get("delta").asText());
        }
      }
      assertThat(deltas.toString())
          .isEqualTo(item.get("arguments").asText())
          .isEqualTo(plain.get("output").get(k).get("arguments").asText());
      assertThat(item.get("name").asText()).isEqualTo("get_weather");
    }
  }

  @Test
  void parallelToolCallsFalseKeepsTheFirst() throws Exception {
    String request = "{\"input\":\"Weather?\",\"parallel_tool_calls\":false," + TOOLS;
    JsonNode plain = Http.JSON.readTree(post(request + "}"));
    assertThat(types(plain.get("output"))).containsExactly("message", "function_call");
    assertThat(plain.get("parallel_tool_calls").asBoolean()).isFalse();
    String stream = post(request + ",\"stream\":true}");
    String last = stream.substring(stream.lastIndexOf("data: ") + 6).strip();
    assertThat(types(Http.JSON.readTree(last).get("response").get("output")))
        .containsExactly("message", "function_call");
  }
}
