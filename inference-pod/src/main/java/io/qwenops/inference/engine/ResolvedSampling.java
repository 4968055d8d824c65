package io.qwenops.inference.engine;

import io.qwenops.inference.model.GenerationConfig;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A request's sampling with every gap filled: first from the model's generation_config.json (as
 * vLLM does), then from neutral values (temperature 1, no top-k/top-p/min-p, no penalty).
 */
record ResolvedSampling(
    double temperature,
    double topP,
    int topK,
    double minP,
    double repetitionPenalty,
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

  /** Below this temperature sampling is greedy (as vLLM's _SAMPLING_EPS). */
  static final double GREEDY_EPSILON = 1e-5;

  static ResolvedSampling of(SamplingParams p, GenerationConfig defaults) {
    return new ResolvedSampling(
        first(p.temperature(), defaults.temperature(), 1.0),
        first(p.topP(), defaults.topP(), 1.0),
        p.topK() != null ? p.topK() : defaults.topK() != null ? defaults.topK() : 0,
        first(p.minP(), defaults.minP(), 0.0),
        first(p.repetitionPenalty(), defaults.repetitionPenalty(), 1.0),
        p.presencePenalty(),
        p.frequencyPenalty(),
        p.seed(),
        p.maxTokens(),
        p.stop(),
        p.stopTokenIds(),
        p.ignoreEos(),
        p.logprobs(),
        p.logitBias(),
        p.minTokens());
  }

  private static double first(Double given, Double fromModel, double neutral) {
    return given != null ? given : fromModel != null ? fromModel : neutral;
  }

  boolean greedy() {
    return temperature < GREEDY_EPSILON;
  }

  boolean hasPenalties() {
    return repetitionPenalty != 1.0 || presencePenalty != 0 || frequencyPenalty != 0;
  }

  /** Logit bias or a minimum length still to reach: the row changes before sampling. */
  boolean changesLogits(int outputLength) {
    return !logitBias.isEmpty() || outputLength < minTokens;
  }

  /** Plain argmax of the raw logits: can be taken on the device without copying the row. */
  boolean argmaxOnly(int outputLength) {
    return greedy() && !hasPenalties() && logprobs == null && !changesLogits(outputLength);
  }
}
