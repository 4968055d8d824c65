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
 * {@code tool_choice} "required" and a named function are enforced on the real engine: the tiny
 * model's random weights would never write a tool call, yet every reply is one.
 */
class ToolChoiceTest {

  final Http http = TinyModel.http();

  static final String TOOLS =
      "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"parameters\":"
          + "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}}},"
          + "{\"type\":\"function\",\"function\":{\"name\":\"get_time\",\"parameters\":"
          + "{\"type\":\"object\",\"properties\":{}}}}]";
  static final String ASK = "\"messages\":[{\"role\":\"user\",\"content\":\"Weather in Paris?\"}]";
  static final String NAMED = "{\"type\":\"function\",\"function\":{\"name\":\"get_time\"}}";

  @ParameterizedTest
  @ValueSource(strings = {"\"required\"", NAMED})
  void theReplyIsAToolCallWhateverTheWeights(String choice) throws Exception {
    for (String sampling : List.of("\"temperature\":0", "\"temperature\":1,\"seed\":3,\"n\":2")) {
      JsonNode body =
          json(
              "{"
                  + ASK
                  + ","
                  + TOOLS
                  + ",\"tool_choice\":"
                  + choice
                  + ",\"max_tokens\":40,"
                  + sampling
                  + "}");
      for (JsonNode c : body.get("choices")) {
        JsonNode message = c.get("message");
        assertThat(message.get("content").isNull()).as(message.toString()).isTrue();
        assertThat(message.get("tool_calls")).hasSize(1);
        JsonNode call = message.get("tool_calls").get(0);
        assertThat(call.get("type").asText()).isEqualTo("function");
        assertThat(call.get("id").asText()).startsWith("call_");
        String name = call.get("function").get("name").asText();
        assertThat(name)
            .isIn(choice.equals(NAMED) ? List.of("get_time") : List.of("get_weather", "get_time"));
        assertThat(Http.JSON.readTree(call.get("function").get("arguments").asText()).isObject())
            .isTrue();
        // "length" when the budget ran out and the arguments were closed early.
        assertThat(c.get("finish_reason").asText()).isIn("tool_calls", "length");
      }
      assertThat(body.get("usage").get("completion_tokens").asInt()).isLessThanOrEqualTo(80);
    }
  }

  static final String NAMED_WEATHER =
      "{\"type\":\"function\",\"function\":{\"name\":\"get_weather\"}}";

  @ParameterizedTest
  @ValueSource(strings = {"\"required\"", NAMED, NAMED_WEATHER})
  void aStreamedForcedCallsArgumentDeltasAddUpToThePlainAnswer(String choice) throws Exception {
    // Sampled with a seed: greedy random weights close the arguments at once ({}).
    String request =
        "{"
            + ASK
            + ","
            + TOOLS
            + ",\"tool_choice\":"
            + choice
            + ",\"max_tokens\":30,\"temperature\":1,\"seed\":7";
    JsonNode plain = json(request + "}").get("choices").get(0);
    JsonNode plainCall = plain.get("message").get("tool_calls").get(0).get("function");
    HttpResponse<String> res = http.post("/v1/chat/completions", request + ",\"stream\":true}");
    assertThat(res.statusCode()).isEqualTo(200);
    List<String> events = Http.events(res.body());
    assertThat(events.getLast()).isEqualTo("[DONE]");
    List<JsonNode> starts = new ArrayList<>();
    StringBuilder arguments = new StringBuilder();
    int fragments = 0;
    StringBuilder content = new StringBuilder();
    String reason = null;
    for (String e : events.subList(0, events.size() - 1)) {
      JsonNode c = OpenAiServerTest.parse(e).get("choices").get(0);
      JsonNode delta = c.get("delta");
      for (JsonNode call : delta.path("tool_calls")) {
        assertThat(call.get("index").asInt()).isZero();
        if (call.has("id")) {
          starts.add(call);
        } else {
          arguments.append(call.get("function").get("arguments").asText());
          fragments++;
        }
      }
      if (delta.has("content")) {
        content.append(delta.get("content").asText());
      }
      if (!c.get("finish_reason").isNull()) {
        reason = c.get("finish_reason").asText();
      }
    }
    assertThat(content.toString()).as("no text besides the call").isEmpty();
    assertThat(starts).singleElement();
    assertThat(starts.get(0).get("function").get("name").asText())
        .isEqualTo(plainCall.get("name").asText());
    assertThat(fragments).as("arguments arrive as they are generated").isGreaterThan(1);
    assertThat(arguments.toString()).isEqualTo(plainCall.get("arguments").asText());
    assertThat(Http.JSON.readTree(arguments.toString()).isObject()).isTrue();
    assertThat(reason).isEqualTo(plain.get("finish_reason").asText()).isIn("tool_calls", "length");
  }

  @Test
  void aBudgetTooSmallForTheCallEndsWithLengthAndThePartialCallAsContent() {
    // One token cannot hold even {}}\n</tool_call>: the partial call is plain content.
    JsonNode tiny =
        json("{"
                + ASK
                + ","
                + TOOLS
                + ",\"tool_choice\":"
                + NAMED
                + ",\"max_tokens\":1,\"temperature\":0}")
            .get("choices")
            .get(0);
    assertThat(tiny.get("finish_reason").asText()).isEqualTo("length");
    assertThat(tiny.get("message").has("tool_calls")).isFalse();
    assertThat(tiny.get("message").get("content").asText())
        .startsWith("<tool_call>\n{\"name\": \"get_time\", \"arguments\": ");
  }

  @Test
  void autoAndNoneStayFree() {
    for (String choice : List.of("\"auto\"", "\"none\"")) {
      JsonNode c =
          json("{"
                  + ASK
                  + ","
                  + TOOLS
                  + ",\"tool_choice\":"
                  + choice
                  + ",\"max_tokens\":4,"
                  + "\"temperature\":0,\"ignore_eos\":true}")
              .get("choices")
              .get(0);
      assertThat(c.get("finish_reason").asText()).isEqualTo("length");
      assertThat(c.get("message").get("content").asText()).doesNotStartWith("<tool_call>");
    }
  }

  @Test
  void badToolChoicesAre400NamingTheParam() {
    OpenAiServerTest.assertError(
        http.post("/v1/chat/completions", "{" + ASK + ",\"tool_choice\":\"required\"}"),
        400,
        "invalid_request_error",
        "tool_choice",
        "tools");
    OpenAiServerTest.assertError(
        http.post("/v1/chat/completions", "{" + ASK + ",\"tool_choice\":" + NAMED + "}"),
        400,
        "invalid_request_error",
        "tool_choice",
        "tools");
    OpenAiServerTest.assertError(
        http.post(
            "/v1/chat/completions",
            "{"
                + ASK
                + ","
                + TOOLS
                + ",\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"launch\"}}}"),
        400,
        "invalid_request_error",
        "tool_choice",
        "launch");
    OpenAiServerTest.assertError(
        http.post(
            "/v1/chat/completions", "{" + ASK + "," + TOOLS + ",\"tool_choice\":\"sometimes\"}"),
        400,
        "invalid_request_error",
        "tool_choice",
        "sometimes");
    OpenAiServerTest.assertError(
        http.post("/v1/chat/completions", "{" + ASK + "," + TOOLS + ",\"tool_choice\":7}"),
        400,
        "invalid_request_error",
        "tool_choice",
        "tool_choice");
  }

  JsonNode json(String body) {
    HttpResponse<String> res = http.post("/v1/chat/completions", body);
    assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
    return Http.json(res);
  }
}
