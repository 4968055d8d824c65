package io.qwenops.inference.api.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/** OpenAI's legacy completion response shapes (serialised with snake_case names). */
public final class CompletionWire {

  private CompletionWire() {}

  public record Completion(
      String id,
      String object,
      long created,
      String model,
      List<Choice> choices,
      @JsonInclude(JsonInclude.Include.NON_NULL) Usage usage) {}

  /** {@code prompt_logprobs}: vLLM's extra, per choice; null when not asked (and in chunks). */
  public record Choice(
      int index,
      String text,
      Logprobs logprobs,
      String finishReason,
      @JsonInclude(JsonInclude.Include.NON_NULL) List<Map<String, VllmLogprob>> promptLogprobs) {

    public Choice(int index, String text, Logprobs logprobs, String finishReason) {
      this(index, text, logprobs, finishReason, null);
    }
  }

  /**
   * Legacy logprobs: parallel lists, one entry per token; {@code null} logprobs for echoed prompt
   * tokens (the engine does not score prompts).
   */
  public record Logprobs(
      List<String> tokens,
      List<Double> tokenLogprobs,
      List<Map<String, Double>> topLogprobs,
      List<Integer> textOffset) {}
}
