package io.qwenops.inference.api.wire;

import com.fasterxml.jackson.databind.JsonNode;
import io.qwenops.inference.api.ApiException;
import io.qwenops.inference.engine.SamplingParams;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

/**
 * The sampling fields shared by chat and completions, validated. {@code maxTokens} may be null:
 * then the rest of the context is the limit, as in vLLM.
 */
public record SamplingOptions(
    Double temperature,
    Double topP,
    Integer topK,
    Double minP,
    Double repetitionPenalty,
    double presencePenalty,
    double frequencyPenalty,
    Long seed,
    Integer maxTokens,
    List<String> stop,
    List<Integer> stopTokenIds,
    boolean ignoreEos,
    int n,
    Map<Integer, Float> logitBias,
    int minTokens) {

  /** Upper bound on {@code n}: each choice is a sequence in the batch. */
  public static final int MAX_N = 64;

  static SamplingOptions read(JsonNode body, String maxTokensField, int vocabSize) {
    Double temperature = Fields.number(body, "temperature", 0, 100);
    Double topP = Fields.number(body, "top_p", 0, 1);
    if (topP != null && topP == 0) {
      throw ApiException.invalid("'top_p' must be in (0, 1], got 0", "top_p");
    }
    // vLLM: -1 or 0 turns top-k off; more than the vocabulary means nothing more.
    Integer topK = Fields.integer(body, "top_k", -1, vocabSize);
    Double minP = Fields.number(body, "min_p", 0, 1);
    Double repetition = Fields.number(body, "repetition_penalty", 0, 100);
    if (repetition != null && repetition == 0) {
      throw ApiException.invalid("'repetition_penalty' must be > 0", "repetition_penalty");
    }
    Double presence = Fields.number(body, "presence_penalty", -2, 2);
    Double frequency = Fields.number(body, "frequency_penalty", -2, 2);
    Long seed = Fields.longValue(body, "seed", Long.MIN_VALUE, Long.MAX_VALUE);
    Integer maxTokens = Fields.integer(body, maxTokensField, 1, Integer.MAX_VALUE);
    if (maxTokens == null && !"max_tokens".equals(maxTokensField)) {
      maxTokens = Fields.integer(body, "max_tokens", 1, Integer.MAX_VALUE);
    }
    List<String> stop =
        Fields.strings(body, "stop", RequestLimits.MAX_STOP_STRINGS, RequestLimits.MAX_STOP_LENGTH);
    List<Integer> stopIds =
        Fields.ints(body, "stop_token_ids", 0, vocabSize, RequestLimits.MAX_STOP_TOKEN_IDS);
    boolean ignoreEos = Fields.bool(body, "ignore_eos");
    Integer n = Fields.integer(body, "n", 1, MAX_N);
    Map<Integer, Float> logitBias = LogitBias.read(body, vocabSize);
    Integer minTokens = Fields.integer(body, "min_tokens", 0, Integer.MAX_VALUE);
    if (minTokens != null && maxTokens != null && minTokens > maxTokens) {
      throw ApiException.invalid(
          "'min_tokens' (" + minTokens + ") must not exceed max_tokens (" + maxTokens + ")",
          "min_tokens");
    }
    return new SamplingOptions(
        temperature,
        topP,
        topK,
        minP,
        repetition,
        presence == null ? 0 : presence,
        frequency == null ? 0 : frequency,
        seed,
        maxTokens,
        stop,
        stopIds,
        ignoreEos,
        n == null ? 1 : n,
        logitBias,
        minTokens == null ? 0 : minTokens);
  }

  /**
   * The engine's parameters for one prompt, after the context check.
   *
   * @param seedOffset added to the seed for choice i of n, so n seeded choices differ but stay
   *     reproducible
   * @param promptField the request field that held the prompt (named in the error)
   * @throws ApiException 400 naming both numbers when prompt + max tokens exceed the context
   */
  public SamplingParams toEngine(
      int promptTokens, int maxModelLen, Integer logprobs, int seedOffset, String promptField) {
    if (promptTokens >= maxModelLen) {
      throw ApiException.invalid(
          "This model's maximum context length is "
              + maxModelLen
              + " tokens, but the prompt has "
              + promptTokens
              + " tokens; no room is left to generate.",
          promptField);
    }
    int limit = maxTokens == null ? maxModelLen - promptTokens : maxTokens;
    if ((long) promptTokens + limit > maxModelLen) { // long: max_tokens may be near 2^31
      throw ApiException.invalid(
          "This model's maximum context length is "
              + maxModelLen
              + " tokens. However, you requested "
              + ((long) promptTokens + limit)
              + " tokens ("
              + promptTokens
              + " in the prompt, "
              + limit
              + " for the completion). Please reduce the prompt or max_tokens.",
          "max_tokens");
    }
    return new SamplingParams(
        temperature,
        topP,
        topK,
        minP,
        repetitionPenalty,
        presencePenalty,
        frequencyPenalty,
        seed == null ? null : seed + seedOffset,
        limit,
        stop,
        new HashSet<>(stopTokenIds),
        ignoreEos,
        logprobs,
        logitBias,
        Math.min(minTokens, limit));
  }
}
