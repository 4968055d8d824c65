package io.qwenops.inference.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.qwenops.inference.engine.TeacherForcing;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * vLLM's {@code prompt_logprobs} extra over HTTP, checked against teacher forcing: per prompt token
 * (the first null) a map of token id to {logprob, rank, decoded_token} holding the prompt token
 * first and then its k likeliest alternatives; per choice on completions, at the top level on chat,
 * as vLLM places them.
 */
class PromptLogprobsApiTest {

  final Http http = TinyModel.http();
  static TeacherForcing reference;

  /** "Hello, world! Once upon" */
  static final int[] PROMPT = EchoLogprobsTest.PROMPT;

  @BeforeAll
  static void load() throws Exception {
    TinyModel.server();
    reference = new TeacherForcing(TinyModel.checkpoint(), 128, "float32"); // as the server
  }

  @AfterAll
  static void close() {
    reference.close();
  }

  @Test
  void completionsCarryEachChoicesPromptScoresAsVllmDoes() {
    JsonNode body =
        ok(
            "/v1/completions",
            "{\"prompt\":"
                + EchoLogprobsTest.ids(PROMPT)
                + ",\"max_tokens\":2,\"n\":2,\"prompt_logprobs\":2,"
                + EchoLogprobsTest.GREEDY
                + "}");
    for (JsonNode choice : body.get("choices")) {
      assertMatchesTeacherForcing(PROMPT, choice.get("prompt_logprobs"), 2);
    }
    JsonNode first = body.get("choices").get(0).get("prompt_logprobs");
    assertThat(first.get(1).get(Integer.toString(PROMPT[1])).get("decoded_token").asText())
        .isEqualTo(",");
    assertThat(body.get("choices").get(1).get("prompt_logprobs")).isEqualTo(first);
  }

  @Test
  void chatCarriesTheRenderedPromptsScoresAtTheTopLevel() {
    String messages = "\"messages\":[{\"role\":\"user\",\"content\":\"Hello there\"}]";
    JsonNode tokenized = ok("/tokenize", "{" + messages + "}");
    int[] prompt = new int[tokenized.get("tokens").size()];
    for (int i = 0; i < prompt.length; i++) {
      prompt[i] = tokenized.get("tokens").get(i).asInt();
    }
    JsonNode chat =
        ok(
            "/v1/chat/completions",
            "{" + messages + ",\"max_tokens\":1,\"prompt_logprobs\":0,\"temperature\":0}");
    assertThat(chat.get("usage").get("prompt_tokens").asInt()).isEqualTo(prompt.length);
    assertThat(chat.get("choices").get(0).has("prompt_logprobs")).isFalse();
    assertMatchesTeacherForcing(prompt, chat.get("prompt_logprobs"), 0);
  }

  @Test
  void anAnswerWithoutTheFieldHasNoPromptLogprobs() {
    JsonNode body = ok("/v1/completions", "{\"prompt\":\"Hi\",\"max_tokens\":1}");
    assertThat(body.get("choices").get(0).has("prompt_logprobs")).isFalse();
  }

  @Test
  void whatCannotBeHonouredIs400NamingTheField() {
    for (String route : new String[] {"/v1/completions", "/v1/chat/completions"}) {
      String input =
          route.contains("chat")
              ? "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]"
              : "\"prompt\":\"Hi\"";
      for (String[] bad :
          new String[][] {
            {"\"prompt_logprobs\":1,\"stream\":true", "stream=True"},
            {"\"prompt_logprobs\":0,\"stream\":true", "stream=True"},
            {"\"prompt_logprobs\":-1", "vocabulary"},
            {"\"prompt_logprobs\":21", "between 0 and 20"},
            {"\"prompt_logprobs\":\"2\"", "integer"}
          }) {
        OpenAiServerTest.assertError(
            http.post(route, "{" + input + "," + bad[0] + "}"),
            400,
            "invalid_request_error",
            "prompt_logprobs",
            bad[1]);
      }
    }
  }

  private static void assertMatchesTeacherForcing(int[] prompt, JsonNode scores, int k) {
    assertThat(scores).hasSize(prompt.length);
    assertThat(scores.get(0).isNull()).isTrue();
    double[][] expected = reference.logprobs(prompt);
    for (int i = 1; i < prompt.length; i++) {
      double[] row = expected[i - 1];
      JsonNode entry = scores.get(i);
      Iterator<Map.Entry<String, JsonNode>> it = entry.properties().iterator();
      Map.Entry<String, JsonNode> own = it.next();
      assertThat(own.getKey()).as("the prompt token first").isEqualTo(Integer.toString(prompt[i]));
      double v = row[prompt[i]];
      assertThat(own.getValue().get("logprob").asDouble()).isCloseTo(v, within(1e-4));
      long above = Arrays.stream(row).filter(x -> x > v + 1e-4).count();
      long near = Arrays.stream(row).filter(x -> x > v - 1e-4).count();
      assertThat(own.getValue().get("rank").asLong()).isBetween(above + 1, near);
      assertThat(own.getValue().get("decoded_token").isTextual()).isTrue();
      double[] sorted = Arrays.stream(row).map(x -> -x).sorted().map(x -> -x).toArray();
      int alternatives = 0;
      for (JsonNode alt : entry) {
        int rank = alt.get("rank").asInt();
        if (rank <= k) {
          alternatives++;
          assertThat(alt.get("logprob").asDouble()).isCloseTo(sorted[rank - 1], within(1e-4));
        }
      }
      assertThat(alternatives).as("token %d", i).isEqualTo(k);
      assertThat(entry.size()).isBetween(Math.max(1, k), k + 1);
    }
  }

  private JsonNode ok(String route, String body) {
    var res = http.post(route, body);
    assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
    return Http.json(res);
  }
}
