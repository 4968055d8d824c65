package io.qwenops.inference.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.qwenops.inference.guided.SchemaValidation;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Structured outputs on the real engine with the tiny random-weight model, which would never write
 * JSON by itself: every reply, greedy or sampled, streamed or not, parses and validates against its
 * schema (a real JSON Schema validator decides), and fits max_tokens.
 */
class StructuredOutputTest {

  final Http http = TinyModel.http();

  static final String ASK = "\"messages\":[{\"role\":\"user\",\"content\":\"Give me JSON.\"}]";
  static final String GREEDY = "\"temperature\":0,\"n\":1";
  static final String SAMPLED = "\"temperature\":1,\"seed\":7,\"n\":4";

  static String jsonSchema(String schema) {
    return "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":"
        + "{\"name\":\"reply\",\"strict\":true,\"schema\":"
        + schema
        + "}}";
  }

  @Test
  void everySchemaFeatureGivesValidRepliesGreedySampledAndStreamed() throws Exception {
    for (String schema : SchemaValidation.FEATURES) {
      for (String sampling : List.of(GREEDY, SAMPLED)) {
        String body = "{" + ASK + "," + jsonSchema(schema) + ",\"max_tokens\":48," + sampling + "}";
        List<String> plain = new ArrayList<>();
        for (JsonNode c : json("/v1/chat/completions", body).get("choices")) {
          String content = c.get("message").get("content").asText();
          assertValid(schema, content, c.get("finish_reason").asText());
          plain.add(content);
        }
        Map<Integer, String> streamed = streamedContents(body);
        assertThat(streamed.values()).as(schema).hasSameSizeAs(plain);
        for (String content : streamed.values()) {
          assertThat(SchemaValidation.errors(schema, content)).as(content).isEmpty();
        }
        if (sampling.equals(GREEDY)) {
          assertThat(streamed.values())
              .as("a stream says what the reply says")
              .containsExactlyElementsOf(plain);
        }
      }
    }
  }

  @Test
  void jsonObjectAndVllmExtrasOnChatAndCompletions() throws Exception {
    String object = "{\"type\":\"object\"}";
    String schema = SchemaValidation.FEATURES.get(2);
    String[][] cases = {
      {"/v1/chat/completions", ASK + ",\"response_format\":{\"type\":\"json_object\"}", object},
      {"/v1/chat/completions", ASK + ",\"guided_json\":" + schema, schema},
      {
        "/v1/chat/completions",
        ASK + ",\"guided_json\":" + Http.JSON.writeValueAsString(schema),
        schema
      },
      {
        "/v1/completions",
        "\"prompt\":\"JSON:\",\"structured_outputs\":{\"json\":" + schema + "}",
        schema
      },
      {"/v1/completions", "\"prompt\":\"JSON:\"," + jsonSchema(schema), schema},
      {
        "/v1/completions",
        "\"prompt\":\"JSON:\",\"response_format\":{\"type\":\"json_object\"}",
        object
      },
    };
    for (String[] c : cases) {
      JsonNode body = json(c[0], "{" + c[1] + ",\"max_tokens\":40," + SAMPLED + "}");
      for (JsonNode choice : body.get("choices")) {
        String text =
            choice.has("message")
                ? choice.get("message").get("content").asText()
                : choice.get("text").asText();
        assertValid(c[2], text, choice.get("finish_reason").asText());
      }
    }
  }

  @Test
  void guidedChoiceIsExactlyOneOfTheStrings() {
    List<String> options = List.of("yes", "no", "maybe later");
    for (String field :
        List.of(
            "\"guided_choice\":[\"yes\",\"no\",\"maybe later\"]",
            "\"structured_outputs\":{\"choice\":[\"yes\",\"no\",\"maybe later\"]}")) {
      JsonNode body =
          json(
              "/v1/chat/completions",
              "{" + ASK + "," + field + ",\"max_tokens\":10," + SAMPLED + "}");
      for (JsonNode c : body.get("choices")) {
        assertThat(c.get("message").get("content").asText()).isIn(options);
        assertThat(c.get("finish_reason").asText()).isEqualTo("stop");
      }
    }
  }

  @Test
  void aBudgetTooSmallForTheSchemaEndsWithLength() {
    // {"s":"","n":0,"i":0,"b":true,"z":null} is far more than 3 tokens.
    JsonNode c =
        json(
                "/v1/chat/completions",
                "{"
                    + ASK
                    + ","
                    + jsonSchema(SchemaValidation.FEATURES.get(0))
                    + ",\"max_tokens\":3,"
                    + GREEDY
                    + "}")
            .get("choices")
            .get(0);
    assertThat(c.get("finish_reason").asText()).isEqualTo("length");
    assertThat(c.get("message").get("content").asText()).startsWith("{\"");
  }

  @Test
  void whatCannotBeEnforcedIsA400NamingTheKeyword() {
    String[][] cases = {
      {jsonSchema("{\"type\":\"string\",\"pattern\":\"^a+$\"}"), "response_format", "pattern"},
      {jsonSchema("{\"type\":\"string\",\"format\":\"email\"}"), "response_format", "format"},
      {jsonSchema("{\"type\":\"array\",\"minContains\":1}"), "response_format", "minContains"},
      {"\"guided_json\":{\"type\":\"integer\",\"maximum\":9}", "guided_json", "maximum"},
      {"\"structured_outputs\":{\"regex\":\"a+\"}", "structured_outputs", "regex"},
      {"\"response_format\":{\"type\":\"json_schema\"}", "response_format", "json_schema"},
      {"\"response_format\":{\"type\":\"yaml\"}", "response_format", "yaml"},
      {"\"guided_regex\":\"a+\"", "guided_regex", "guided_regex"},
      {"\"guided_json\":{},\"guided_choice\":[\"a\"]", "guided_choice", "cannot be combined"},
    };
    for (String[] c : cases) {
      OpenAiServerTest.assertError(
          http.post("/v1/chat/completions", "{" + ASK + "," + c[0] + "}"),
          400,
          "invalid_request_error",
          c[1],
          c[2]);
    }
  }

  static String strictTool(String parameters) {
    return "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"record\",\"strict\":true,"
        + "\"parameters\":"
        + parameters
        + "}}],\"tool_choice\":\"required\"";
  }

  @Test
  void strictToolParametersShapeForcedCallArguments() throws Exception {
    String parameters = SchemaValidation.FEATURES.get(0);
    JsonNode body =
        json(
            "/v1/chat/completions",
            "{" + ASK + "," + strictTool(parameters) + ",\"max_tokens\":30," + SAMPLED + "}");
    for (JsonNode c : body.get("choices")) {
      JsonNode call = c.get("message").get("tool_calls").get(0);
      String arguments = call.get("function").get("arguments").asText();
      assertThat(SchemaValidation.errors(parameters, arguments)).as(arguments).isEmpty();
    }
    String unenforceable =
        "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\",\"pattern\":\"b\"}}}";
    OpenAiServerTest.assertError(
        http.post("/v1/chat/completions", "{" + ASK + "," + strictTool(unenforceable) + "}"),
        400,
        "invalid_request_error",
        "tools",
        "pattern");
  }

  @Test
  void aConstrainedRequestLeavesTheOthersInItsBatchUnchanged() throws Exception {
    List<String> prompts = List.of("Hello", "Tell me a story", "1, 2, 3,");
    List<String> alone = new ArrayList<>();
    for (String p : prompts) {
      alone.add(greedyText(p));
    }
    String constrained =
        "{"
            + ASK
            + ","
            + jsonSchema(SchemaValidation.FEATURES.get(3))
            + ",\"max_tokens\":40,"
            + SAMPLED
            + "}";
    for (int round = 0; round < 2; round++) {
      CompletableFuture<HttpResponse<String>> guided =
          CompletableFuture.supplyAsync(() -> http.post("/v1/chat/completions", constrained));
      List<CompletableFuture<String>> others = new ArrayList<>();
      for (String p : prompts) {
        others.add(CompletableFuture.supplyAsync(() -> greedyText(p)));
      }
      for (int i = 0; i < prompts.size(); i++) {
        assertThat(others.get(i).get()).as(prompts.get(i)).isEqualTo(alone.get(i));
      }
      assertThat(guided.get().statusCode()).isEqualTo(200);
    }
  }

  private String greedyText(String prompt) {
    HttpResponse<String> res =
        http.post(
            "/v1/completions",
            "{\"prompt\":\""
                + prompt
                + "\",\"max_tokens\":24,\"temperature\":0,\"ignore_eos\":true}");
    return Http.json(res).get("choices").get(0).get("text").asText();
  }

  private static void assertValid(String schema, String text, String reason) {
    assertThat(SchemaValidation.errors(schema, text)).as(text).isEmpty();
    assertThat(reason).as(text).isIn("stop", "length");
  }

  private Map<Integer, String> streamedContents(String body) {
    HttpResponse<String> res =
        http.post("/v1/chat/completions", body.replaceFirst("\\{", "{\"stream\":true,"));
    assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
    List<String> events = Http.events(res.body());
    assertThat(events.getLast()).isEqualTo("[DONE]");
    Map<Integer, StringBuilder> text = new TreeMap<>();
    for (String e : events.subList(0, events.size() - 1)) {
      for (JsonNode c : OpenAiServerTest.parse(e).get("choices")) {
        JsonNode content = c.get("delta").get("content");
        StringBuilder sb = text.computeIfAbsent(c.get("index").asInt(), k -> new StringBuilder());
        if (content != null && content.isTextual()) {
          sb.append(content.asText());
        }
      }
    }
    Map<Integer, String> out = new TreeMap<>();
    text.forEach((k, v) -> out.put(k, v.toString()));
    return out;
  }

  private JsonNode json(String path, String body) {
    HttpResponse<String> res = http.post(path, body);
    assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
    return Http.json(res);
  }
}
