package io.qwenops.inference.api.wire;

import com.fasterxml.jackson.databind.JsonNode;
import io.qwenops.inference.api.ApiException;

/**
 * vLLM's {@code prompt_logprobs} extra on chat and completions: score every prompt token and return
 * its logprob, rank and the k likeliest tokens at its place. Refused with a stream (vLLM refuses k
 * &gt; 0 there; a stream has nowhere to put the scores, so 0 is refused too rather than ignored)
 * and for -1 (the whole vocabulary per token; the engine returns at most {@value #MAX}).
 */
public final class PromptLogprobsField {

  public static final int MAX = 20;

  private PromptLogprobsField() {}

  /**
   * @return k, or null when the field is absent or null
   * @throws ApiException 400 naming {@code prompt_logprobs}
   */
  public static Integer read(JsonNode body) {
    JsonNode v = Fields.field(body, "prompt_logprobs");
    if (v == null) {
      return null;
    }
    if (v.isIntegralNumber() && v.asLong() == -1) {
      throw ApiException.invalid(
          "'prompt_logprobs' -1 (every token of the vocabulary) is not supported; at most "
              + MAX
              + " alternatives are",
          "prompt_logprobs");
    }
    Integer k = Fields.integer(body, "prompt_logprobs", 0, MAX);
    if (Fields.bool(body, "stream")) {
      throw ApiException.invalid(
          "`prompt_logprobs` are not available when `stream=True`.", "prompt_logprobs");
    }
    return k;
  }
}
