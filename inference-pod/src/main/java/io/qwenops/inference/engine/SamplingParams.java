package io.qwenops.inference.engine;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How one request samples. A {@code null} field means "not given by the client": the engine fills
 * it from the model's {@code generation_config.json}, as vLLM does, and from neutral values after
 * that.
 *
 * @param temperature 0 means greedy
 * @param topK {@code <= 0} means disabled
 * @param seed reproducible sampling for this request alone; {@code null} draws from the engine's
 *     RNG
 * @param maxTokens tokens to generate at most; the API layer has already checked it fits the
 *     context
 * @param stop strings that end generation; matched across token boundaries and never emitted
 * @param stopTokenIds token ids that end generation, in addition to the model's EOS ids
 * @param ignoreEos keep generating past EOS (benchmarks)
 * @param logprobs {@code null}: none; 0: the chosen token's logprob; k: also the top k alternatives
 * @param logitBias added to the logits of these token ids before sampling (OpenAI's {@code
 *     logit_bias}); empty for none
 * @param minTokens EOS and stop tokens are masked, and stops ignored, until this many tokens are
 *     generated (vLLM's {@code min_tokens})
 */
public record SamplingParams(
    Double temperature,
    Double topP,
    Integer topK,
    Double minP,
    Double repetitionPenalty,
    double presencePenalty,
    double frequencyPenalty,
    Long seed,
    int maxTokens,
    List<String> stop,
    Set<Integer> stopTokenIds,
    boolean ignoreEos,
    Integer logprobs,
    Map<Integer, Float> logitBias,
    int minTokens) {

  public SamplingParams {
    stop = stop == null ? List.of() : List.copyOf(stop);
    stopTokenIds = stopTokenIds == null ? Set.of() : Set.copyOf(stopTokenIds);
    logitBias = logitBias == null ? Map.of() : Map.copyOf(logitBias);
    if (minTokens < 0 || minTokens > maxTokens) {
      throw new IllegalArgumentException("minTokens must be in [0, maxTokens]");
    }
  }

  /** Greedy decoding of up to {@code maxTokens} tokens, nothing else set. */
  public static SamplingParams greedy(int maxTokens) {
    return new SamplingParams(
        0.0, null, null, null, null, 0, 0, null, maxTokens, List.of(), Set.of(), false, null,
        Map.of(), 0);
  }
}
