package io.qwenops.inference.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code POST /v1/responses} over real HTTP on the real engine: text and forced function calls,
 * plain and streamed (events in order, numbered, adding up to the final response), and a 400 naming
 * each field it cannot honour.
 */
class ResponsesApiTest {

  final Http http = TinyModel.http();

  static final String TOOLS =
      "\"tools\":[{\"type\":\"function\",\"name\":\"get_weather\",\"description\":\"Weather\","
          + "\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}}]";

  @Test
  void aTextResponseHasOneMessageAndUsage() {
    JsonNode r =
        ok(
            "{\"input\":\"Say hi\",\"instructions\":\"Be terse.\",\"max_output_tokens\":5,"
                + "\"temperature\":0}");
    assertThat(r.get("id").asText()).startsWith("resp_");
    assertThat(r.get("object").asText()).isEqualTo("response");
    assertThat(r.get("model").asText()).isEqualTo(TinyModel.NAME);
    assertThat(r.get("instructions").asText()).isEqualTo("Be terse.");
    JsonNode output = r.get("output");
    assertThat(output).hasSize(1);
    JsonNode message = output.get(0);
    assertThat(message.get("type").asText()).isEqualTo("message");
    assertThat(message.get("role").asText()).isEqualTo("assistant");
    assertThat(message.get("id").asText()).startsWith("msg_");
    JsonNode part = message.get("content").get(0);
    assertThat(part.get("type").asText()).isEqualTo("output_text");
    assertThat(r.get("output_text").asText()).isEqualTo(part.get("text").asText());
    JsonNode usage = r.get("usage");
    assertThat(usage.get("output_tokens").asInt()).isBetween(1, 5);
    assertThat(usage.get("total_tokens").asInt())
        .isEqualTo(usage.get("input_tokens").asInt() + usage.get("output_tokens").asInt());
    if (usage.get("output_tokens").asInt() == 5) {
      assertThat(r.get("status").asText()).isEqualTo("incomplete");
      assertThat(r.get("incomplete_details").get("reason").asText()).isEqualTo("max_output_tokens");
    }
  }

  @Test
  void theSameGreedyTextAsChatForTheSameConversation() {
    JsonNode r =
        ok(
            "{\"input\":[{\"role\":\"developer\",\"content\":\"Be terse.\"},{\"type\":\"message\","
                + "\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"Say hi\"}]}],"
                + "\"max_output_tokens\":6,\"temperature\":0}");
    JsonNode chat =
        Http.json(
            http.post(
                "/v1/chat/completions",
                "{\"messages\":[{\"role\":\"system\",\"content\":\"Be terse.\"},"
                    + "{\"role\":\"user\",\"content\":\"Say hi\"}],\"max_tokens\":6,"
                    + "\"temperature\":0}"));
    assertThat(r.get("output_text").asText())
        .isEqualTo(chat.get("choices").get(0).get("message").get("content").asText());
    assertThat(r.get("usage").get("input_tokens").asInt())
        .isEqualTo(chat.get("usage").get("prompt_tokens").asInt());
  }

  @ParameterizedTest
  @ValueSource(strings = {"\"required\"", "{\"type\":\"function\",\"name\":\"get_weather\"}"})
  void aForcedFunctionToolGivesAFunctionCallItem(String choice) throws Exception {
    String request =
        "{\"input\":\"Weather in Paris?\","
            + TOOLS
            + ",\"tool_choice\":"
            + choice
            + ",\"max_output_tokens\":30,\"temperature\":1,\"seed\":7";
    JsonNode r = ok(request + "}");
    JsonNode call = r.get("output").get(r.get("output").size() - 1);
    assertThat(call.get("type").asText()).isEqualTo("function_call");
    assertThat(call.get("name").asText()).isEqualTo("get_weather");
    assertThat(call.get("call_id").asText()).startsWith("call_");
    assertThat(call.get("id").asText()).startsWith("fc_");
    assertThat(Http.JSON.readTree(call.get("arguments").asText()).isObject()).isTrue();
    assertThat(r.get("tools").get(0).get("name").asText()).isEqualTo("get_weather");

    Streamed s = stream(request + ",\"stream\":true}");
    JsonNode done = s.completed.get("response");
    JsonNode streamedCall = done.get("output").get(done.get("output").size() - 1);
    assertThat(streamedCall.get("arguments").asText()).isEqualTo(call.get("arguments").asText());
    assertThat(s.arguments.toString()).isEqualTo(call.get("arguments").asText());
    assertThat(s.types).contains("response.function_call_arguments.done");
  }

  @Test
  void aStreamSendsNumberedEventsThatAddUpToTheCompletedResponse() {
    String request = "{\"input\":\"Say hi\",\"max_output_tokens\":6,\"temperature\":0";
    JsonNode plain = ok(request + "}");
    Streamed s = stream(request + ",\"stream\":true}");
    assertThat(s.types.subList(0, 4))
        .containsExactly(
            "response.created",
            "response.in_progress",
            "response.output_item.added",
            "response.content_part.added");
    assertThat(s.types.subList(s.types.size() - 4, s.types.size()))
        .containsExactly(
            "response.output_text.done",
            "response.content_part.done",
            "response.output_item.done",
            "response.completed");
    assertThat(s.text.toString()).isEqualTo(plain.get("output_text").asText());
    JsonNode done = s.completed.get("response");
    assertThat(done.get("output_text").asText()).isEqualTo(s.text.toString());
    assertThat(done.get("usage")).isEqualTo(plain.get("usage"));
    assertThat(done.get("status")).isEqualTo(plain.get("status"));
  }

  @Test
  void whatCannotBeHonouredIs400NamingTheField() {
    String[][] refused = {
      {"\"previous_response_id\":\"resp_1\"", "previous_response_id"},
      {"\"store\":true", "store"},
      {"\"background\":true", "background"},
      {"\"reasoning\":{\"effort\":\"low\"}", "reasoning"},
      {"\"conversation\":\"conv_1\"", "conversation"},
      {"\"tools\":[{\"type\":\"web_search\"}]", "tools"},
      {"\"text\":{\"format\":{\"type\":\"json_object\"}}", "text"},
      {"\"include\":[\"message.output_text.logprobs\"]", "include"},
      {"\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_image\"}]}]", "input"},
      {"\"input\":[{\"type\":\"reasoning\"}]", "input"},
      {"\"tool_choice\":{\"type\":\"web_search\"}", "tool_choice"},
      {"\"max_output_tokens\":0", "max_completion_tokens"},
    };
    for (String[] r : refused) {
      String body =
          r[0].startsWith("\"input\"") ? "{" + r[0] + "}" : "{\"input\":\"Hi\"," + r[0] + "}";
      HttpResponse<String> res = http.post("/v1/responses", body);
      assertThat(res.statusCode()).as(body + " " + res.body()).isEqualTo(400);
      assertThat(Http.json(res).get("error").get("param").asText()).as(body).isEqualTo(r[1]);
    }
    assertThat(
            http.post("/v1/responses", "{\"input\":\"Hi\",\"store\":false,\"max_output_tokens\":1}")
                .statusCode())
        .isEqualTo(200);
    assertThat(http.post("/v1/responses", "{}").statusCode()).isEqualTo(400);
  }

  /** What a stream said: event types in order, the text and argument deltas, the last event. */
  static final class Streamed {
    final List<String> types = new ArrayList<>();
    final StringBuilder text = new StringBuilder();
    final StringBuilder arguments = new StringBuilder();
    JsonNode completed;
  }

  Streamed stream(String body) {
    HttpResponse<String> res = http.post("/v1/responses", body);
    assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
    Streamed s = new Streamed();
    String[] frames = res.body().split("\n\n");
    int sequence = 0;
    for (String frame : frames) {
      if (frame.isBlank() || frame.startsWith(":")) {
        continue;
      }
      String[] lines = frame.split("\n");
      assertThat(lines[0]).startsWith("event: ");
      assertThat(lines[1]).startsWith("data: ");
      JsonNode e = OpenAiServerTest.parse(lines[1].substring(6));
      String type = lines[0].substring(7);
      assertThat(e.get("type").asText()).isEqualTo(type);
      assertThat(e.get("sequence_number").asInt()).isEqualTo(sequence++);
      s.types.add(type);
      switch (type) {
        case "response.output_text.delta" -> s.text.append(e.get("delta").asText());
        case "response.function_call_arguments.delta" ->
            s.arguments.append(e.get("delta").asText());
        case "response.completed" -> s.completed = e;
        default -> {}
      }
    }
    assertThat(s.types.getLast()).isEqualTo("response.completed");
    return s;
  }

  JsonNode ok(String body) {
    HttpResponse<String> res = http.post("/v1/responses", body);
    assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
    return Http.json(res);
  }
}
