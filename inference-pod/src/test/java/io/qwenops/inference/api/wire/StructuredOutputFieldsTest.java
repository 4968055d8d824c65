package io.qwenops.inference.api.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qwenops.inference.api.ApiException;
import io.qwenops.inference.api.Json;
import org.junit.jupiter.api.Test;

/** Which request fields ask for structured outputs, and what each is read as. */
class StructuredOutputFieldsTest {

  private static final int VOCAB = 151936;

  private static ObjectNode chat(String field, String json) throws Exception {
    ObjectNode body =
        (ObjectNode)
            Json.MAPPER.readTree("{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
    body.set(field, Json.MAPPER.readTree(json));
    return body;
  }

  @Test
  void eachFieldIsReadAsASchemaOrAChoice() throws Exception {
    String[][] schemas = {
      {"response_format", "{\"type\":\"json_object\"}"},
      {
        "response_format",
        "{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"x\",\"schema\":{}}}"
      },
      {"guided_json", "{\"type\":\"integer\"}"},
      {"guided_json", "\"{\\\"type\\\":\\\"integer\\\"}\""},
      {"structured_outputs", "{\"json\":{\"type\":\"integer\"}}"},
      {"structured_outputs", "{\"json_object\":true}"},
    };
    for (String[] f : schemas) {
      StructuredOutput so = ChatRequest.read(chat(f[0], f[1]), VOCAB).structuredOutput();
      assertThat(so).as(f[0] + " " + f[1]).isNotNull();
      assertThat(so.schema()).as(f[1]).isNotNull();
    }
    assertThat(
            ChatRequest.read(chat("guided_choice", "[\"a\",\"b\"]"), VOCAB)
                .structuredOutput()
                .choices())
        .containsExactly("a", "b");
    assertThat(
            ChatRequest.read(chat("response_format", "{\"type\":\"text\"}"), VOCAB)
                .structuredOutput())
        .isNull();
    ObjectNode completion = Json.MAPPER.createObjectNode().put("prompt", "Hi");
    completion.set("guided_json", Json.MAPPER.readTree("{\"type\":\"object\"}"));
    assertThat(CompletionRequest.read(completion, VOCAB).structuredOutput()).isNotNull();
  }

  @Test
  void malformedOnesAre400NamingTheField() {
    String[][] bad = {
      {"structured_outputs", "{\"json_object\":false}"},
      {"structured_outputs", "{\"json\":{},\"choice\":[\"a\"]}"},
      {"guided_choice", "[]"},
      {"guided_choice", "[1]"},
      {"guided_json", "\"not json\""},
      {"guided_json", "{\"type\":\"string\",\"maxLength\":3}"},
    };
    for (String[] f : bad) {
      assertThatThrownBy(() -> ChatRequest.read(chat(f[0], f[1]), VOCAB))
          .as(f[0] + " " + f[1])
          .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.param()).isEqualTo(f[0]));
    }
  }
}
