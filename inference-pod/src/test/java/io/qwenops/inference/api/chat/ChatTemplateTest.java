package io.qwenops.inference.api.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Qwen2.5's own template renders every fixture exactly as transformers does. */
class ChatTemplateTest {

  static final ChatTemplate QWEN = new ChatTemplate(resource("/qwen2.5/chat_template.jinja"));

  static Stream<Arguments> renderings() throws IOException {
    JsonNode all = new ObjectMapper().readTree(resource("/qwen2.5/renderings.json"));
    List<Arguments> out = new ArrayList<>();
    for (JsonNode r : all) {
      out.add(Arguments.of(r.get("name").asText(), r));
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("renderings")
  void rendersLikeTransformers(String name, JsonNode fixture) {
    JsonNode request = fixture.get("request");
    String prompt =
        QWEN.render(
            ChatMessages.forTemplate(request.get("messages")),
            ChatMessages.tools(request.get("tools")),
            fixture.get("add_generation_prompt").asBoolean());
    assertThat(prompt).isEqualTo(fixture.get("prompt").asText());
  }

  @Test
  void pythonJsonMatchesJsonDumps() {
    var map = new java.util.LinkedHashMap<String, Object>();
    map.put("b", 1);
    map.put("a", java.util.List.of("x\"y", "é", 1.5, 1e-7, 1e20, true));
    map.put("n", null);
    assertThat(PythonJson.dumps(map))
        .isEqualTo("{\"b\": 1, \"a\": [\"x\\\"y\", \"é\", 1.5, 1e-07, 1e+20, true], \"n\": null}");
  }

  @Test
  void raiseExceptionInATemplateIsAChatTemplateError() {
    ChatTemplate strict =
        new ChatTemplate(
            "{% for m in messages %}{% if m.role == 'tool' %}"
                + "{{ raise_exception('tool messages are not supported') }}{% endif %}{% endfor %}");
    var messages =
        io.qwenops.inference.api.Json.MAPPER
            .createArrayNode()
            .add(io.qwenops.inference.api.Json.MAPPER.createObjectNode().put("role", "tool"));
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> strict.render(ChatMessages.forTemplate(messages), null, true))
        .isInstanceOf(ChatTemplateException.class)
        .hasMessageContaining("tool messages are not supported");
  }

  @Test
  void noTemplateMeansChatMl() {
    String prompt =
        ChatTemplate.chatMl()
            .render(
                ChatMessages.forTemplate(
                    io.qwenops.inference.api.Json.MAPPER
                        .createArrayNode()
                        .add(
                            io.qwenops.inference.api.Json.MAPPER
                                .createObjectNode()
                                .put("role", "user")
                                .put("content", "Hi"))),
                null,
                true);
    assertThat(prompt).isEqualTo("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
  }

  static String resource(String name) {
    try (InputStream in = ChatTemplateTest.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
