package io.qwenops.inference.api.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Text from the client reaches the prompt byte for byte, whatever template syntax it holds, in
 * every field the Qwen2.5 template prints: transformers' jinja2 never renders a value twice. The
 * oracle is the transformers fixture with the field's original text swapped for the hostile text
 * (as it is, or as {@code json.dumps} writes it where the template prints the field with {@code
 * tojson}).
 */
public class UserTextIsDataTest {

  /** Template syntax of every kind a user might paste: Jinja, Helm, comments, raw blocks. */
  public static final List<String> HOSTILE =
      List.of(
          "{{ 6*7 }}",
          "{% for x in range(1000) %}{% for y in range(1000) %}x{% endfor %}{% endfor %}",
          "{{ .Values.image.tag }}",
          "{{- include \"chart.labels\" . | nindent 4 }}",
          "{#",
          "{# a comment #}",
          "{%raw%}",
          "{% endraw %}",
          "{% raw %}{{ 1+1 }}{% endraw %}",
          "{{ raise_exception('boom') }}",
          "{% set messages = [] %}",
          "{{ messages[0]['content'] }}",
          "{%",
          "}} %} #}",
          "{{ '{{' }}");

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * A place the template prints client text: the fixture, the field's JSON pointer and original
   * text, and whether it is printed with tojson.
   */
  record Site(String fixture, String pointer, String original, boolean json) {}

  static final List<Site> SITES =
      List.of(
          new Site("user only: the default system prompt", "/messages/0/content", "Hello", false),
          new Site("system, multi-turn", "/messages/0/content", "You are terse.", false),
          new Site("system, multi-turn", "/messages/2/content", "Hello.", false),
          new Site("system, multi-turn", "/messages/3/content", "你好", false),
          new Site(
              "tools offered", "/tools/0/function/description", "Current weather for a city", true),
          new Site("two tool calls and their results", "/messages/2/content", "18 C, sunny", false),
          new Site("two tool calls and their results", "/messages/3/content", "14:05", false));

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    for (Site site : SITES) {
      for (String text : HOSTILE) {
        out.add(Arguments.of(site, text));
      }
    }
    for (String text : HOSTILE) {
      out.add(Arguments.of(null, text)); // as a text part, and inside tool-call arguments
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{1} at {0}")
  @MethodSource("cases")
  void templateSyntaxInClientTextIsPrintedAsIs(Site site, String text) throws IOException {
    if (site == null) {
      assertAsPart(text);
      assertInArguments(text);
      return;
    }
    JsonNode fixture = fixture(site.fixture());
    ObjectNode request = fixture.get("request").deepCopy();
    JsonNode parent = request.at(site.pointer().substring(0, site.pointer().lastIndexOf('/')));
    String field = site.pointer().substring(site.pointer().lastIndexOf('/') + 1);
    assertThat(parent.get(field).asText()).isEqualTo(site.original());
    ((ObjectNode) parent).put(field, text);
    String expected =
        replaceOnce(
            fixture.get("prompt").asText(),
            site.json() ? jsonContent(site.original()) : site.original(),
            site.json() ? jsonContent(text) : text);
    assertThat(render(request, fixture)).isEqualTo(expected);
  }

  private void assertAsPart(String text) throws IOException {
    JsonNode fixture = fixture("user only: the default system prompt");
    ObjectNode request = fixture.get("request").deepCopy();
    ArrayNode parts = JSON.createArrayNode();
    parts.addObject().put("type", "text").put("text", text);
    ((ObjectNode) request.at("/messages/0")).set("content", parts);
    assertThat(render(request, fixture))
        .isEqualTo(replaceOnce(fixture.get("prompt").asText(), "Hello", text));
  }

  private void assertInArguments(String text) throws IOException {
    JsonNode fixture = fixture("two tool calls and their results");
    ObjectNode request = fixture.get("request").deepCopy();
    ObjectNode function = (ObjectNode) request.at("/messages/1/tool_calls/0/function");
    function.put("arguments", "{\"city\":" + JSON.writeValueAsString(text) + "}");
    String expected =
        replaceOnce(
            fixture.get("prompt").asText(),
            "{\"city\": \"Paris\"}",
            "{\"city\": " + PythonJson.dumps(text) + "}");
    assertThat(render(request, fixture)).isEqualTo(expected);
  }

  private static String render(JsonNode request, JsonNode fixture) {
    return ChatTemplateTest.QWEN.render(
        ChatMessages.forTemplate(request.get("messages")),
        ChatMessages.tools(request.get("tools")),
        fixture.get("add_generation_prompt").asBoolean());
  }

  public static JsonNode fixture(String name) throws IOException {
    for (JsonNode r : JSON.readTree(ChatTemplateTest.resource("/qwen2.5/renderings.json"))) {
      if (r.get("name").asText().equals(name)) {
        return r;
      }
    }
    throw new IllegalArgumentException("no fixture " + name);
  }

  /** The text between the quotes as Python's json.dumps writes the string. */
  private static String jsonContent(String s) {
    String quoted = PythonJson.dumps(s);
    return quoted.substring(1, quoted.length() - 1);
  }

  public static String replaceOnce(String in, String original, String replacement) {
    int at = in.indexOf(original);
    assertThat(at).as("'%s' in the fixture prompt", original).isNotNegative();
    assertThat(in.indexOf(original, at + 1)).as("'%s' only once", original).isNegative();
    return in.substring(0, at) + replacement + in.substring(at + original.length());
  }
}
