package io.qwenops.inference.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code /v1/completions} with {@code echo} and {@code logprobs}: the echoed prompt tokens carry
 * their own logprobs (the first one null), then the generated ones, with text offsets into the
 * returned text; streamed and not, with tokens as text or as {@code token_id:N}.
 */
class EchoLogprobsTest {

  final Http http = TinyModel.http();

  /** "Hello, world! Once upon" */
  static final int[] PROMPT = {9707, 11, 1879, 0, 9646, 5193};

  static final String GREEDY = "\"temperature\":0,\"repetition_penalty\":1,\"ignore_eos\":true";

  @Test
  void echoedPromptTokensCarryTheirLogprobsThenTheGeneratedOnes() {
    JsonNode choice =
        completion(
            "{\"prompt\":"
                + ids(PROMPT)
                + ",\"max_tokens\":3,\"echo\":true,\"logprobs\":2,"
                + GREEDY
                + "}");
    String text = choice.get("text").asText();
    assertThat(text).startsWith("Hello, world! Once upon");
    JsonNode lp = choice.get("logprobs");
    assertThat(lp.get("tokens")).hasSize(PROMPT.length + 3);
    assertThat(lp.get("tokens").get(0).asText()).isEqualTo("Hello");
    assertThat(lp.get("tokens").get(1).asText()).isEqualTo(",");
    assertThat(lp.get("token_logprobs").get(0).isNull()).isTrue();
    assertThat(lp.get("top_logprobs").get(0).isNull()).isTrue();
    for (int i = 1; i < PROMPT.length + 3; i++) {
      double logprob = lp.get("token_logprobs").get(i).asDouble();
      assertThat(lp.get("token_logprobs").get(i).isNumber()).as("token %d", i).isTrue();
      assertThat(logprob).isLessThanOrEqualTo(0);
      JsonNode top = lp.get("top_logprobs").get(i);
      String token = lp.get("tokens").get(i).asText();
      assertThat(top.size()).isBetween(2, 3);
      assertThat(top.get(token).asDouble()).isEqualTo(logprob);
    }
    // Offsets index the returned text: each token's text starts where its offset says.
    JsonNode offsets = lp.get("text_offset");
    for (int i = 0; i < offsets.size(); i++) {
      String token = lp.get("tokens").get(i).asText();
      assertThat(text.substring(offsets.get(i).asInt())).as("token %d", i).startsWith(token);
    }
    assertThat(offsets.get(PROMPT.length).asInt()).isEqualTo("Hello, world! Once upon".length());
  }

  @Test
  void aPromptTokensLogprobIsWhatGeneratingItScored() {
    // Greedy continuation of the prompt and its logprob, then the same token echoed as prompt.
    JsonNode generated =
        completion(
                "{\"prompt\":"
                    + ids(PROMPT)
                    + ",\"max_tokens\":1,\"logprobs\":0,"
                    + GREEDY
                    + ",\"return_tokens_as_token_ids\":true}")
            .get("logprobs");
    int next = Integer.parseInt(generated.get("tokens").get(0).asText().substring(9));
    double scored = generated.get("token_logprobs").get(0).asDouble();
    int[] longer = java.util.Arrays.copyOf(PROMPT, PROMPT.length + 1);
    longer[PROMPT.length] = next;
    JsonNode echoed =
        completion(
                "{\"prompt\":"
                    + ids(longer)
                    + ",\"max_tokens\":1,\"echo\":true,\"logprobs\":1,"
                    + GREEDY
                    + ",\"return_tokens_as_token_ids\":true}")
            .get("logprobs");
    assertThat(echoed.get("tokens").get(PROMPT.length).asText()).isEqualTo("token_id:" + next);
    assertThat(echoed.get("token_logprobs").get(PROMPT.length).asDouble())
        .isCloseTo(scored, within(1e-4));
    // Greedy: the echoed token was the most likely one, so it heads its alternatives.
    assertThat(echoed.get("top_logprobs").get(PROMPT.length).fieldNames().next())
        .isEqualTo("token_id:" + next);
  }

  @Test
  void aStreamSendsTheScoredPromptFirstThenTokens() {
    String body =
        "{\"prompt\":["
            + ids(PROMPT)
            + ","
            + ids(new int[] {9707})
            + "],\"max_tokens\":2,\"echo\":true,"
            + "\"logprobs\":1,\"stream\":true,\"return_tokens_as_token_ids\":true,"
            + GREEDY
            + "}";
    List<String> events = Http.events(http.post("/v1/completions", body).body());
    assertThat(events.getLast()).isEqualTo("[DONE]");
    int[] promptChunks = new int[2];
    int[] tokensSeen = new int[2];
    for (String e : events.subList(0, events.size() - 1)) {
      JsonNode c = OpenAiServerTest.parse(e).get("choices").get(0);
      int index = c.get("index").asInt();
      JsonNode lp = c.get("logprobs");
      if (lp == null || lp.isNull()) {
        continue; // the finish chunk
      }
      if (tokensSeen[index] == 0) {
        // The choice's first chunk is its echoed, scored prompt.
        promptChunks[index]++;
        int length = index == 0 ? PROMPT.length : 1;
        assertThat(c.get("text").asText())
            .isEqualTo(index == 0 ? "Hello, world! Once upon" : "Hello");
        assertThat(lp.get("tokens")).hasSize(length);
        assertThat(lp.get("tokens").get(0).asText())
            .isEqualTo("token_id:" + (index == 0 ? PROMPT[0] : 9707));
        assertThat(lp.get("token_logprobs").get(0).isNull()).isTrue();
        if (length > 1) {
          assertThat(lp.get("token_logprobs").get(1).asDouble()).isLessThanOrEqualTo(0);
          assertThat(lp.get("top_logprobs").get(1).fieldNames().next()).startsWith("token_id:");
        }
      }
      tokensSeen[index] += lp.get("tokens").size();
    }
    assertThat(promptChunks).containsExactly(1, 1);
    assertThat(tokensSeen).containsExactly(PROMPT.length + 2, 1 + 2);
  }

  JsonNode completion(String body) {
    var res = http.post("/v1/completions", body);
    assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
    return Http.json(res).get("choices").get(0);
  }

  static String ids(int[] ids) {
    return java.util.Arrays.toString(ids).replace(" ", "");
  }
}
