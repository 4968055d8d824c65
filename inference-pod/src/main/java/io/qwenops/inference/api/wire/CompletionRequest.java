package io.qwenops.inference.api.wire;

import com.fasterxml.jackson.databind.JsonNode;
import io.qwenops.inference.api.ApiException;
import java.util.ArrayList;
import java.util.List;

/**
 * A validated {@code POST /v1/completions} body.
 *
 * @param prompts one entry per prompt: either a {@code String} or an {@code int[]} of token ids
 * @param logprobs legacy integer {@code logprobs}: null for none, else the number of alternatives
 * @param structuredOutput what each completion must be (response_format, guided_json, ...), or null
 */
public record CompletionRequest(
    String model,
    List<Object> prompts,
    boolean echo,
    Integer logprobs,
    boolean tokensAsIds,
    boolean stream,
    boolean includeUsage,
    SamplingOptions sampling,
    StructuredOutput structuredOutput) {

  public static CompletionRequest read(JsonNode body, int vocabSize) {
    return read(body, vocabSize, RequestLimits.defaults());
  }

  /**
   * @throws ApiException 400 for a malformed field, or more prompts or choices (prompts × n) than
   *     {@code limits} allow, checked before any prompt is converted
   */
  public static CompletionRequest read(JsonNode body, int vocabSize, RequestLimits limits) {
    if (!body.isObject()) {
      throw ApiException.invalid("The request body must be a JSON object", null);
    }
    String model = Fields.string(body, "model");
    JsonNode prompt = Fields.field(body, "prompt");
    int count = promptCount(prompt);
    if (count > limits.maxPrompts()) {
      throw ApiException.invalid(
          "'prompt' holds "
              + count
              + " prompts; at most "
              + limits.maxPrompts()
              + " are allowed per request (--max-prompts-per-request)",
          "prompt");
    }
    Integer n = Fields.integer(body, "n", 1, SamplingOptions.MAX_N);
    limits.checkChoices(count, n == null ? 1 : n);
    List<Object> prompts = prompts(prompt, vocabSize);
    UnhonouredFields.rejectCompletion(body);
    if (Fields.field(body, "suffix") != null) {
      throw ApiException.invalid("'suffix' is not supported", "suffix");
    }
    boolean stream = Fields.bool(body, "stream");
    JsonNode streamOptions = Fields.field(body, "stream_options");
    boolean includeUsage =
        streamOptions != null && Fields.bool(streamOptions, "include_usage") && stream;
    StructuredOutput structured = StructuredOutput.read(body);
    return new CompletionRequest(
        model,
        prompts,
        Fields.bool(body, "echo"),
        Fields.integer(body, "logprobs", 0, 20),
        Fields.bool(body, "return_tokens_as_token_ids"),
        stream,
        includeUsage,
        SamplingOptions.read(body, "max_tokens", vocabSize),
        structured);
  }

  /** How many prompts {@code prompt} holds, judged by its shape alone (1 when malformed). */
  private static int promptCount(JsonNode prompt) {
    if (prompt == null || !prompt.isArray() || prompt.isEmpty() || prompt.get(0).isNumber()) {
      return 1;
    }
    return prompt.size();
  }

  /** A string, a list of strings, a list of token ids, or a list of such lists. */
  private static List<Object> prompts(JsonNode prompt, int vocabSize) {
    String shape = "'prompt' must be a string, a list of strings or a list of token ids";
    if (prompt == null) {
      throw ApiException.invalid("'prompt' is required", "prompt");
    }
    if (prompt.isTextual()) {
      return List.of(prompt.asText());
    }
    if (!prompt.isArray() || prompt.isEmpty()) {
      throw ApiException.invalid(shape, "prompt");
    }
    if (prompt.get(0).isIntegralNumber()) {
      return List.of(tokenIds(prompt, vocabSize));
    }
    List<Object> out = new ArrayList<>();
    for (JsonNode p : prompt) {
      if (p.isTextual()) {
        out.add(p.asText());
      } else if (p.isArray() && !p.isEmpty()) {
        out.add(tokenIds(p, vocabSize));
      } else {
        throw ApiException.invalid(shape, "prompt");
      }
    }
    return out;
  }

  private static int[] tokenIds(JsonNode ids, int vocabSize) {
    int[] out = new int[ids.size()];
    for (int i = 0; i < out.length; i++) {
      JsonNode id = ids.get(i);
      if (!id.isIntegralNumber() || id.asLong() < 0 || id.asLong() >= vocabSize) {
        throw ApiException.invalid(
            "token id " + id + " in 'prompt' is outside the vocabulary [0, " + vocabSize + ")",
            "prompt");
      }
      out[i] = id.asInt();
    }
    return out;
  }
}
