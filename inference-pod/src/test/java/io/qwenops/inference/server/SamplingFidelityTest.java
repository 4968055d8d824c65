package io.qwenops.inference.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * Fields that change sampling, over HTTP as a client sends them: logprobs are the model's own
 * whatever the penalties (what echo scores the same tokens at), {@code logit_bias} bans and forces
 * tokens, {@code min_tokens} holds EOS back, and parts this text-only model cannot read are
 * refused.
 */
class SamplingFidelityTest {

  final Http http = TinyModel.http();

  static final int[] PROMPT = EchoLogprobsTest.PROMPT;

  @Test
  void generatedLogprobsAreRawUnderTheCheckpointsRepetitionPenalty() {
    // No repetition_penalty given: the checkpoint's 1.05 applies; presence_penalty -2 makes the
    // reply repeat, so each repeat's penalised logprob would be ~2 above the model's own.
    JsonNode generated =
        completion(
                "{\"prompt\":"
                    + EchoLogprobsTest.ids(PROMPT)
                    + ",\"max_tokens\":4,\"logprobs\":0,\"temperature\":0,\"presence_penalty\":-2,"
                    + "\"ignore_eos\":true,\"return_tokens_as_token_ids\":true}")
            .get("logprobs");
    int[] all = java.util.Arrays.copyOf(PROMPT, PROMPT.length + 4);
    for (int j = 0; j < 4; j++) {
      all[PROMPT.length + j] =
          Integer.parseInt(generated.get("tokens").get(j).asText().substring("token_id:".length()));
    }
    assertThat(all[PROMPT.length + 3]).as("the reply repeats").isEqualTo(all[PROMPT.length + 1]);
    JsonNode scored =
        completion(
                "{\"prompt\":"
                    + EchoLogprobsTest.ids(all)
                    + ",\"max_tokens\":1,\"echo\":true,\"logprobs\":0,\"temperature\":0}")
            .get("logprobs");
    for (int j = 0; j < 4; j++) {
      assertThat(generated.get("token_logprobs").get(j).asDouble())
          .as("generated token %d", j)
          .isCloseTo(scored.get("token_logprobs").get(PROMPT.length + j).asDouble(), within(1e-4));
    }
  }

  @Test
  void logitBiasBansAndForcesTokens() {
    String greedy =
        "\"prompt\":"
            + EchoLogprobsTest.ids(PROMPT)
            + ",\"max_tokens\":5,\"temperature\":0,\"ignore_eos\":true,"
            + "\"return_tokens_as_token_ids\":true,\"logprobs\":0";
    JsonNode plain = completion("{" + greedy + "}").get("logprobs").get("tokens");
    String favourite = plain.get(0).asText().substring("token_id:".length());
    JsonNode banned =
        completion("{" + greedy + ",\"logit_bias\":{\"" + favourite + "\":-100}}")
            .get("logprobs")
            .get("tokens");
    for (JsonNode t : banned) {
      assertThat(t.asText()).isNotEqualTo("token_id:" + favourite);
    }
    JsonNode forced =
        chat(
            "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"max_tokens\":5,"
                + "\"temperature\":1,\"logit_bias\":{\"9707\":100}}");
    assertThat(forced.get("message").get("content").asText())
        .isEqualTo("HelloHelloHelloHelloHello");
  }

  @Test
  void minTokensHoldsEosBack() {
    String body =
        "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"max_tokens\":20,"
            + "\"temperature\":0,\"logit_bias\":{\"151645\":100},\"min_tokens\":%d}";
    var eager = http.post("/v1/chat/completions", body.formatted(0));
    assertThat(Http.json(eager).get("usage").get("completion_tokens").asInt()).isEqualTo(1);
    var held = http.post("/v1/chat/completions", body.formatted(6));
    JsonNode reply = Http.json(held);
    assertThat(reply.get("usage").get("completion_tokens").asInt()).isEqualTo(7);
    assertThat(reply.get("choices").get(0).get("finish_reason").asText()).isEqualTo("stop");
  }

  @Test
  void badFieldsAreRefusedByName() {
    String messages = "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]";
    assertRefused("{" + messages + ",\"logit_bias\":{\"hello\":1}}", "logit_bias", "token ids");
    assertRefused("{" + messages + ",\"logit_bias\":{\"151936\":1}}", "logit_bias", "vocabulary");
    assertRefused("{" + messages + ",\"logit_bias\":{\"5\":101}}", "logit_bias", "-100 to 100");
    assertRefused("{" + messages + ",\"logit_bias\":[1]}", "logit_bias", "object");
    StringBuilder many = new StringBuilder("{");
    for (int i = 0; i < 1025; i++) {
      many.append(i == 0 ? "" : ",").append('"').append(i).append("\":1");
    }
    assertRefused("{" + messages + ",\"logit_bias\":" + many + "}}", "logit_bias", "at most 1024");
    assertRefused(
        "{" + messages + ",\"min_tokens\":5,\"max_tokens\":4}", "min_tokens", "max_tokens");
    assertRefused("{" + messages + ",\"min_tokens\":-1}", "min_tokens", "min_tokens");
    assertRefused("{" + messages + ",\"parallel_tool_calls\":\"no\"}", "parallel_tool_calls", "");
    assertRefused(
        "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"What is"
            + " this?\"},{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://x/cat.png\"}}]}]}",
        "messages",
        "'image_url' part; this model is text-only");
    assertRefused(
        "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_audio\","
            + "\"input_audio\":{\"data\":\"AAAA\",\"format\":\"wav\"}}]}]}",
        "messages",
        "messages[0].content[0] is a 'input_audio' part");
  }

  private void assertRefused(String body, String param, String inMessage) {
    HttpResponse<String> res = http.post("/v1/chat/completions", body);
    assertThat(res.statusCode()).as(res.body()).isEqualTo(400);
    JsonNode error = Http.json(res).get("error");
    assertThat(error.get("param").asText()).isEqualTo(param);
    assertThat(error.get("message").asText()).contains(inMessage);
  }

  JsonNode completion(String body) {
    var res = http.post("/v1/completions", body);
    assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
    return Http.json(res).get("choices").get(0);
  }

  JsonNode chat(String body) {
    var res = http.post("/v1/chat/completions", body);
    assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
    return Http.json(res).get("choices").get(0);
  }
}
