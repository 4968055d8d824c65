package io.qwenops.inference.api.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qwenops.inference.api.ApiException;
import io.qwenops.inference.api.Json;
import org.junit.jupiter.api.Test;

/** OpenAI and vLLM fields this server cannot honour are a 400 naming them, never ignored. */
class UnhonouredFieldsTest {

  private static final int VOCAB = 151936;

  private static ObjectNode chat(String field, String json) throws Exception {
    ObjectNode body =
        (ObjectNode)
            Json.MAPPER.readTree("{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
    body.set(field, Json.MAPPER.readTree(json));
    return body;
  }

  @Test
  void fieldsThatAskForWhatIsNotBuiltAreRefusedByName() throws Exception {
    String[][] refused = {
      {"best_of", "3"},
      {"use_beam_search", "true"},
      {"guided_regex", "\"a+\""},
      {"guided_grammar", "\"root ::= \\\"a\\\"\""},
      {"allowed_token_ids", "[1,2]"},
      {"bad_words", "[\"x\"]"},
      {"truncate_prompt_tokens", "10"},
      {"include_stop_str_in_output", "true"},
      {"skip_special_tokens", "false"},
      {"functions", "[{\"name\":\"f\"}]"},
      {"function_call", "\"auto\""},
      {"audio", "{\"voice\":\"alloy\",\"format\":\"wav\"}"},
      {"modalities", "[\"text\",\"audio\"]"},
      {"prediction", "{\"type\":\"content\",\"content\":\"x\"}"},
      {"reasoning_effort", "\"high\""},
      {"web_search_options", "{}"},
      {"echo", "true"}
    };
    for (String[] r : refused) {
      assertThatThrownBy(() -> ChatRequest.read(chat(r[0], r[1]), VOCAB))
          .as(r[0])
          .isInstanceOfSatisfying(
              ApiException.class,
              e -> {
                assertThat(e.status()).isEqualTo(400);
                assertThat(e.param()).isEqualTo(r[0]);
              });
    }
    ObjectNode completion = Json.MAPPER.createObjectNode().put("prompt", "Hi");
    completion.put("use_beam_search", true);
    assertThatThrownBy(() -> CompletionRequest.read(completion, VOCAB))
        .isInstanceOfSatisfying(
            ApiException.class, e -> assertThat(e.param()).isEqualTo("use_beam_search"));
  }

  @Test
  void valuesThatAskForNothingPass() throws Exception {
    String[][] harmless = {
      {"best_of", "1"},
      {"use_beam_search", "false"},
      {"include_stop_str_in_output", "false"},
      {"skip_special_tokens", "true"},
      {"modalities", "[\"text\"]"},
      {"echo", "false"},
      {"user", "\"u-1\""},
      {"metadata", "{\"k\":\"v\"}"},
      {"parallel_tool_calls", "false"},
      {"response_format", "{\"type\":\"text\"}"}
    };
    for (String[] h : harmless) {
      assertThatCode(() -> ChatRequest.read(chat(h[0], h[1]), VOCAB))
          .as(h[0])
          .doesNotThrowAnyException();
    }
  }
}
