package io.qwenops.inference.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.qwenops.inference.model.GenerationConfig;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** One row through the sampler in each logprobs mode, against the numbers worked out by hand. */
class LogprobsModeTest {

  private static final GenerationConfig NONE =
      new GenerationConfig(Set.of(9), null, null, null, null, null);

  /** Token 3 was generated before and has the best logit; 0.5 temperature; top-k 2. */
  private static final float[] ROW = {
    1.0f, 0.5f, -1.0f, 2.0f, 0.0f, -2.0f, 1.5f, 0.2f, -0.5f, 0.1f
  };

  private static Sampler.Choice sample(LogprobsMode mode, double temperature, int topK) {
    SamplingParams p =
        new SamplingParams(
            temperature,
            null,
            topK,
            null,
            2.0,
            0,
            0,
            1L,
            10,
            List.of(),
            Set.of(),
            false,
            4,
            Map.of(7, 3.0f),
            0);
    return Sampler.sample(
        ROW.clone(),
        ResolvedSampling.of(p, NONE),
        new int[] {3},
        new int[8],
        0,
        new SplittableRandom(1),
        null,
        mode,
        Set.of(9));
  }

  @Test
  void rawModesReportTheRowAsTheModelGaveIt() {
    double[] raw = LogitsProcessors.logSoftmax(ROW);
    Sampler.Choice c = sample(LogprobsMode.RAW_LOGPROBS, 0.5, 2);
    assertThat(c.logprob()).isCloseTo(raw[c.tokenId()], within(1e-9));
    // Best alternatives by the model's own ranking: 3, 6, 0, 1 (the bias on 7 does not count).
    assertThat(c.top()).extracting(TokenOutput.TokenLogprob::tokenId).containsExactly(3, 6, 0, 1);
    Sampler.Choice logits = sample(LogprobsMode.RAW_LOGITS, 0.5, 2);
    assertThat(logits.tokenId()).isEqualTo(c.tokenId());
    assertThat(logits.logprob()).isEqualTo(ROW[c.tokenId()]);
  }

  @Test
  void processedModesReportTheRowTheTokenWasDrawnFrom() {
    // Bias: 7 -> 3.2; penalty 2 on 3 -> 1.0; temperature 0.5 doubles; top-2 keeps 7 (6.4), 6 (3.0).
    Sampler.Choice logits = sample(LogprobsMode.PROCESSED_LOGITS, 0.5, 2);
    assertThat(logits.tokenId()).isIn(7, 6);
    assertThat(logits.top()).extracting(TokenOutput.TokenLogprob::tokenId).startsWith(7, 6);
    assertThat(logits.top().get(0).logprob()).isCloseTo(6.4, within(1e-5));
    assertThat(logits.top().get(1).logprob()).isCloseTo(3.0, within(1e-5));
    assertThat(logits.top().get(2).logprob()).isEqualTo(Double.NEGATIVE_INFINITY);
    Sampler.Choice logprobs = sample(LogprobsMode.PROCESSED_LOGPROBS, 0.5, 2);
    double norm = Math.log(Math.exp(6.4) + Math.exp(3.0));
    assertThat(logprobs.top().get(0).logprob()).isCloseTo(6.4 - norm, within(1e-5));
    assertThat(logprobs.top().get(1).logprob()).isCloseTo(3.0 - norm, within(1e-5));
    // Greedy: after bias and penalty, no temperature.
    Sampler.Choice greedy = sample(LogprobsMode.PROCESSED_LOGITS, 0, 0);
    assertThat(greedy.tokenId()).isEqualTo(7);
    assertThat(greedy.logprob()).isCloseTo(3.2, within(1e-5));
  }

  @Test
  void aSeededDrawIsTheSameTokenWhateverTheMode() {
    // Raw modes take the top-k shortcut, processed ones the full row: the same draw either way.
    for (long seed = 0; seed < 50; seed++) {
      int[] chosen = new int[LogprobsMode.values().length];
      for (LogprobsMode mode : LogprobsMode.values()) {
        SamplingParams p =
            new SamplingParams(
                1.3, 0.9, 3, null, 1.0, 0, 0, seed, 10, List.of(), Set.of(), false, 2, Map.of(), 0);
        chosen[mode.ordinal()] =
            Sampler.sample(
                    ROW.clone(),
                    ResolvedSampling.of(p, NONE),
                    new int[0],
                    new int[8],
                    0,
                    new SplittableRandom(seed),
                    null,
                    mode,
                    Set.of())
                .tokenId();
      }
      assertThat(chosen).as("seed %d", seed).containsOnly(chosen[0]);
    }
  }
}
