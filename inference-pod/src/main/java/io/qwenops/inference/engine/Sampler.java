package io.qwenops.inference.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Picks one token from one row of logits, in Java so that a seeded request draws exactly the same
 * numbers whatever else is in the batch. Logprobs follow the engine's {@link LogprobsMode}: by
 * default the model's raw distribution, before bias, penalties, temperature and truncation, as vLLM
 * returns them.
 */
final class Sampler {

  /** The chosen token and, when asked, its logprob and the best alternatives. */
  record Choice(int tokenId, double logprob, List<TokenOutput.TokenLogprob> top) {}

  private Sampler() {}

  static Choice sample(
      float[] logits,
      ResolvedSampling s,
      int[] prompt,
      int[] output,
      int outputLength,
      SplittableRandom random) {
    return sample(
        logits, s, prompt, output, outputLength, random, null, LogprobsMode.RAW_LOGPROBS, Set.of());
  }

  /**
   * As above; with a constraint, only tokens it allows can be chosen (see ConstrainedSampling).
   *
   * @param eosTokenIds masked, with the stop token ids, until {@code min_tokens} are generated
   */
  static Choice sample(
      float[] logits,
      ResolvedSampling s,
      int[] prompt,
      int[] output,
      int outputLength,
      SplittableRandom random,
      TokenConstraint constraint,
      LogprobsMode mode,
      Set<Integer> eosTokenIds) {
    boolean wanted = s.logprobs() != null;
    double[] reported = wanted && mode.raw() ? mode.report(logits) : null;
    LogitsProcessors.applyMinTokensAndBias(logits, outputLength, s, eosTokenIds);
    LogitsProcessors.applyPenalties(logits, prompt, output, outputLength, s);
    if (constraint != null) {
      return ConstrainedSampling.sample(logits, s, random, constraint, mode, reported, eosTokenIds);
    }
    boolean processed = wanted && !mode.raw();
    int chosen;
    if (s.greedy()) {
      chosen = LogitsProcessors.argmax(logits);
      if (processed) {
        reported = mode.report(logits);
      }
    } else if (!processed && s.topK() > 0 && s.topK() < logits.length / 2) {
      chosen = sampleTopK(logits, s, random);
    } else {
      LogitsProcessors.applyTemperature(logits, s.temperature());
      LogitsProcessors.applyTopK(logits, s.topK());
      LogitsProcessors.applyTopP(logits, s.topP());
      LogitsProcessors.applyMinP(logits, s.minP());
      if (processed) {
        reported = mode.report(logits);
      }
      chosen = draw(LogitsProcessors.softmax(logits), random.nextDouble());
    }
    return choice(chosen, reported, s);
  }

  static Choice choice(int chosen, double[] reported, ResolvedSampling s) {
    if (reported == null) {
      return new Choice(chosen, Double.NaN, List.of());
    }
    return new Choice(chosen, reported[chosen], top(reported, s.logprobs()));
  }

  /**
   * The same draw as the full path when top-k is on and no logprobs are wanted, on the k candidates
   * only: temperature is monotonic, so the k best before scaling are the k best after it.
   */
  static int sampleTopK(float[] logits, ResolvedSampling s, SplittableRandom random) {
    float threshold = LogitsProcessors.kthLargest(logits, s.topK());
    int n = 0;
    for (float l : logits) {
      if (l >= threshold) {
        n++;
      }
    }
    int[] ids = new int[n];
    float[] candidates = new float[n];
    int j = 0;
    float inverse = (float) (1.0 / s.temperature());
    for (int id = 0; id < logits.length; id++) {
      if (logits[id] >= threshold) {
        ids[j] = id;
        candidates[j++] = s.temperature() == 1.0 ? logits[id] : logits[id] * inverse;
      }
    }
    LogitsProcessors.applyTopP(candidates, s.topP());
    LogitsProcessors.applyMinP(candidates, s.minP());
    return ids[draw(LogitsProcessors.softmax(candidates), random.nextDouble())];
  }

  /** Inverse-CDF draw; falls back to the last non-zero entry against rounding at the top end. */
  static int draw(double[] probs, double u) {
    double cumulative = 0;
    int last = 0;
    for (int i = 0; i < probs.length; i++) {
      if (probs[i] > 0) {
        cumulative += probs[i];
        last = i;
        if (u < cumulative) {
          return i;
        }
      }
    }
    return last;
  }

  static List<TokenOutput.TokenLogprob> top(double[] logprobs, int k) {
    if (k <= 0) {
      return List.of();
    }
    int n = Math.min(k, logprobs.length);
    int[] best = new int[n];
    java.util.Arrays.fill(best, -1);
    for (int id = 0; id < logprobs.length; id++) {
      double v = logprobs[id];
      if (best[n - 1] >= 0 && v <= logprobs[best[n - 1]]) {
        continue;
      }
      int pos = n - 1;
      while (pos > 0 && (best[pos - 1] < 0 || v > logprobs[best[pos - 1]])) {
        best[pos] = best[pos - 1];
        pos--;
      }
      best[pos] = id;
    }
    List<TokenOutput.TokenLogprob> out = new ArrayList<>(n);
    for (int id : best) {
      out.add(new TokenOutput.TokenLogprob(id, logprobs[id]));
    }
    return List.copyOf(out);
  }
}
