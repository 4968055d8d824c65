package io.qwenops.inference.engine;

import io.qwenops.inference.model.StepLogits;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Picks the next token of each sequence a step sampled, from its row of the step's logits. Greedy
 * rows without penalties, logit bias or min-tokens take the argmax where the logits are (on the
 * device for a tensor, in Java for the Java path's array); the rest copy their row to the {@link
 * Sampler}. A request's own constraint that throws fails that request alone.
 */
final class StepSampler {

  /** One sequence's outcome: its choice, or (choice null) why its own sampling failed. */
  record Outcome(Sampler.Choice choice, RuntimeException failure) {}

  private StepSampler() {}

  /** One outcome per sequence, in order; {@code logits} has one row per sequence. */
  static List<Outcome> sample(
      StepLogits logits, List<Sequence> sampled, LogprobsMode mode, Set<Integer> eosTokenIds) {
    List<Outcome> out = new ArrayList<>(sampled.size());
    boolean allArgmax =
        sampled.stream()
            .allMatch(s -> s.sampling.argmaxOnly(s.outputLength) && s.constraint == null);
    if (allArgmax) {
      for (int id : logits.argmax()) {
        out.add(new Outcome(new Sampler.Choice(id, Double.NaN, List.of()), null));
      }
      return out;
    }
    float[] all = logits.values();
    int vocab = logits.vocab();
    for (int i = 0; i < sampled.size(); i++) {
      Sequence s = sampled.get(i);
      float[] row = Arrays.copyOfRange(all, i * vocab, (i + 1) * vocab);
      try {
        out.add(
            new Outcome(
                Sampler.sample(
                    row,
                    s.sampling,
                    s.prompt,
                    s.output,
                    s.outputLength,
                    s.random,
                    s.constraint,
                    mode,
                    eosTokenIds),
                null));
      } catch (RuntimeException e) {
        out.add(new Outcome(null, e));
      }
    }
    return out;
  }
}
