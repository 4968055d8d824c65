package io.qwenops.inference.engine;

import java.util.Arrays;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Sampling under a {@link TokenConstraint} (guided decoding). A forced token is taken as is. Greedy
 * requests probe candidates best first and take the first one the constraint allows, so a likely
 * token costs one check; only when the best {@value #PROBES} are all refused is the whole
 * vocabulary checked. Sampled requests mask every refused token (as vLLM's guided decoding does,
 * before temperature and truncation), which checks the whole vocabulary each step. Raw logprobs are
 * those of the unconstrained distribution (what the model itself preferred); processed ones are
 * those of the masked, penalised, scaled and truncated row the token was drawn from, which costs
 * one check of the whole vocabulary per token, greedy or not. EOS is allowed exactly when the
 * constraint says the output may end ({@link TokenConstraint#mayEnd}).
 */
final class ConstrainedSampling {

  static final int PROBES = 32;

  private ConstrainedSampling() {}

  /**
   * @param logits after bias and penalties
   * @param raw the raw report when the mode is raw and logprobs are wanted, else null
   * @param eos the model's end-of-sequence ids
   */
  static Sampler.Choice sample(
      float[] logits,
      ResolvedSampling s,
      SplittableRandom random,
      TokenConstraint constraint,
      LogprobsMode mode,
      double[] raw,
      Set<Integer> eos) {
    boolean processed = s.logprobs() != null && !mode.raw();
    int chosen = constraint.forcedToken();
    double[] reported = raw;
    if (processed) {
      float[] work = logits.clone();
      mask(work, constraint, eos);
      if (!s.greedy()) {
        truncate(work, s);
      }
      reported = mode.report(work);
    }
    if (chosen < 0) {
      chosen =
          s.greedy() ? argmax(logits, constraint, eos) : draw(logits, s, random, constraint, eos);
    }
    return Sampler.choice(chosen, reported, s);
  }

  /** The most likely allowed token. */
  static int argmax(float[] logits, TokenConstraint constraint, Set<Integer> eos) {
    for (int id : best(logits, Math.min(PROBES, logits.length))) {
      if (eos.contains(id) ? constraint.mayEnd() : constraint.allows(id)) {
        return id;
      }
    }
    float[] work = logits.clone();
    mask(work, constraint, eos);
    int best = LogitsProcessors.argmax(work);
    if (work[best] == Float.NEGATIVE_INFINITY) {
      throw new IllegalStateException("The output constraint allows no token");
    }
    return best;
  }

  /** The k most likely ids (more on ties), best first, lower id first among equals. */
  static int[] best(float[] logits, int k) {
    float threshold = LogitsProcessors.kthLargest(logits, k);
    long[] keyed = new long[logits.length];
    int n = 0;
    for (int id = 0; id < logits.length; id++) {
      if (logits[id] >= threshold && logits[id] != Float.NEGATIVE_INFINITY) {
        // Order-preserving int image of the float, inverted for descending; id in the low bits.
        int bits = Float.floatToIntBits(logits[id]);
        long sortable = bits >= 0 ? bits : bits ^ 0x7FFFFFFF;
        keyed[n++] = ((0x7FFFFFFFL - sortable) << 31) | id;
      }
    }
    long[] sorted = Arrays.copyOf(keyed, n);
    Arrays.sort(sorted);
    int[] ids = new int[n];
    for (int i = 0; i < n; i++) {
      ids[i] = (int) (sorted[i] & 0x7FFFFFFFL);
    }
    return ids;
  }

  private static int draw(
      float[] logits,
      ResolvedSampling s,
      SplittableRandom random,
      TokenConstraint constraint,
      Set<Integer> eos) {
    float[] work = logits.clone();
    mask(work, constraint, eos);
    if (LogitsProcessors.max(work) == Float.NEGATIVE_INFINITY) {
      throw new IllegalStateException("The output constraint allows no token");
    }
    if (s.topK() > 0 && s.topK() < work.length / 2) {
      return Sampler.sampleTopK(work, s, random); // the same draw on the k best only
    }
    truncate(work, s);
    return Sampler.draw(LogitsProcessors.softmax(work), random.nextDouble());
  }

  private static void truncate(float[] work, ResolvedSampling s) {
    LogitsProcessors.applyTemperature(work, s.temperature());
    LogitsProcessors.applyTopK(work, s.topK());
    LogitsProcessors.applyTopP(work, s.topP());
    LogitsProcessors.applyMinP(work, s.minP());
  }

  /** Sets every refused token to -inf; EOS keeps its logit only when the output may end. */
  static void mask(float[] logits, TokenConstraint constraint, Set<Integer> eos) {
    boolean mayEnd = constraint.mayEnd();
    float[] kept = new float[eos.size()];
    int i = 0;
    for (int id : eos) {
      kept[i++] = id < logits.length ? logits[id] : Float.NEGATIVE_INFINITY;
    }
    constraint.mask(logits);
    i = 0;
    for (int id : eos) {
      float v = kept[i++];
      if (id < logits.length) {
        logits[id] = mayEnd ? v : Float.NEGATIVE_INFINITY;
      }
    }
  }
}
