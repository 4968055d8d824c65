package io.qwenops.inference.api.wire;

import com.fasterxml.jackson.databind.JsonNode;
import io.qwenops.inference.api.ApiException;
import java.util.List;
import java.util.function.Predicate;

/**
 * Fields that OpenAI or vLLM define and this server cannot honour: each is a 400 that names it, so
 * a client never believes it had an effect. A field is refused only when it asks for something
 * (e.g. {@code use_beam_search: false} or {@code best_of: 1} pass).
 */
final class UnhonouredFields {

  private record Rule(String field, Predicate<JsonNode> asks, String why) {}

  private static final Predicate<JsonNode> ANY = v -> true;
  private static final Predicate<JsonNode> TRUE = v -> !v.isBoolean() || v.asBoolean();
  private static final Predicate<JsonNode> FALSE = v -> !v.isBoolean() || !v.asBoolean();

  private static final String STRUCTURED =
      "guided decoding to a regex or grammar is not supported; use guided_json or guided_choice";

  /** Both routes. */
  private static final List<Rule> COMMON =
      List.of(
          new Rule("best_of", v -> !(v.isIntegralNumber() && v.asInt() == 1), "only 1 is"),
          new Rule("use_beam_search", TRUE, "beam search is not supported"),
          new Rule("guided_regex", ANY, STRUCTURED),
          new Rule("guided_grammar", ANY, STRUCTURED),
          new Rule("allowed_token_ids", ANY, "is not supported; use logit_bias"),
          new Rule("bad_words", ANY, "is not supported; use logit_bias"),
          new Rule("truncate_prompt_tokens", ANY, "prompts are never truncated"),
          new Rule("include_stop_str_in_output", TRUE, "stop strings are never included"),
          new Rule("skip_special_tokens", FALSE, "special tokens are always skipped in text"));

  /** Chat only. */
  private static final List<Rule> CHAT =
      List.of(
          new Rule("functions", ANY, "the deprecated functions API is not supported; use tools"),
          new Rule(
              "function_call", ANY, "the deprecated functions API is not supported; use tools"),
          new Rule("audio", ANY, "this model is text-only"),
          new Rule(
              "modalities",
              v -> !(v.isArray() && v.size() == 1 && "text".equals(v.get(0).asText())),
              "this model is text-only: only [\"text\"] is"),
          new Rule("prediction", ANY, "predicted outputs are not supported"),
          new Rule("reasoning_effort", ANY, "this model does not reason"),
          new Rule("web_search_options", ANY, "web search is not supported"),
          new Rule("echo", TRUE, "chat echo is not supported; use /v1/completions"));

  private UnhonouredFields() {}

  static void rejectChat(JsonNode body) {
    reject(body, COMMON);
    reject(body, CHAT);
  }

  static void rejectCompletion(JsonNode body) {
    reject(body, COMMON);
  }

  private static void reject(JsonNode body, List<Rule> rules) {
    for (Rule r : rules) {
      JsonNode v = Fields.field(body, r.field());
      if (v != null && r.asks().test(v)) {
        throw ApiException.invalid(
            "'" + r.field() + "' " + v + " is refused: " + r.why(), r.field());
      }
    }
  }
}
