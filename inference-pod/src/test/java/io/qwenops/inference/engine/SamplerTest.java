package io.qwenops.inference.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.qwenops.inference.model.GenerationConfig;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SamplerTest {

  private static final GenerationConfig QWEN_DEFAULTS =
      new GenerationConfig(Set.of(151645, 151643), 0.7, 0.8, 20, null, 1.05);

  private static ResolvedSampling resolve(SamplingParams p) {
    return ResolvedSampling.of(p, QWEN_DEFAULTS);
  }

  private static SamplingParams params(Double temperature, Double topP, Integer topK, Double minP) {
    return new SamplingParams(
        temperature,
        topP,
        topK,
        minP,
        1.0,
        0,
        0,
        null,
        10,
        List.of(),
        Set.of(),
        false,
        null,
        Map.of(),
        0);
  }

  @Test
  void kthLargestAgreesWithSortingWithTiesAndMaskedEntries() {
    SplittableRandom random = new SplittableRandom(5);
    for (int trial = 0; trial < 30; trial++) {
      float[] values = new float[1 + random.nextInt(20000)];
      for (int i = 0; i < values.length; i++) {
        values[i] =
            random.nextInt(10) == 0
                ? Float.NEGATIVE_INFINITY
                : (float) Math.floor(random.nextGaussian() * 50) / 10;
      }
      if (trial % 3 == 1) {
        java.util.Arrays.sort(values); // ascending: the worst order for a naive quickselect
      } else if (trial % 3 == 2) {
        for (int i = 0; i < values.length; i++) {
          values[i] = Math.min(i, values.length - i); // organ pipe
        }
      }
      float[] sorted = values.clone();
      java.util.Arrays.sort(sorted);
      for (int k : new int[] {1, 2, 20, 64, 65, 4097, values.length / 2, values.length}) {
        if (k >= 1 && k <= values.length) {
          assertThat(LogitsProcessors.kthLargest(values, k))
              .as("k=%d of %d", k, values.length)
              .isEqualTo(sorted[sorted.length - k]);
        }
      }
    }
  }

  @Test
  void unsetFieldsComeFromGenerationConfigLikeVllm() {
    ResolvedSampling s =
        resolve(
            new SamplingParams(
                null, null, null, null, null, 0, 0, null, 5, List.of(), Set.of(), false, null,
                Map.of(), 0));
    assertThat(s.temperature()).isEqualTo(0.7);
    assertThat(s.topP()).isEqualTo(0.8);
    assertThat(s.topK()).isEqualTo(20);
    assertThat(s.minP()).isZero();
    assertThat(s.repetitionPenalty()).isEqualTo(1.05);
    assertThat(resolve(SamplingParams.greedy(5)).greedy()).isTrue();
  }

  @Test
  void topKKeepsOnlyTheKMostLikely() {
    float[] logits = {1, 5, 3, 4, 2};
    LogitsProcessors.applyTopK(logits, 2);
    assertThat(logits)
        .containsExactly(
            Float.NEGATIVE_INFINITY, 5, Float.NEGATIVE_INFINITY, 4, Float.NEGATIVE_INFINITY);
  }

  @Test
  void topPKeepsTheSmallestSetReachingP() {
    // probabilities ~ 0.64, 0.24, 0.09, 0.03
    float[] logits = {3, 2, 1, 0};
    LogitsProcessors.applyTopP(logits, 0.8);
    assertThat(logits).containsExactly(3, 2, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY);
  }

  @Test
  void minPDropsTokensFarLessLikelyThanTheTop() {
    float[] logits = {0, -1, -3};
    LogitsProcessors.applyMinP(logits, 0.1); // e^-1 = 0.37 stays, e^-3 = 0.05 goes
    assertThat(logits).containsExactly(0, -1, Float.NEGATIVE_INFINITY);
  }

  @Test
  void penaltiesFollowVllmFormulas() {
    float[] logits = {2, -2, 1, 1};
    SamplingParams p =
        new SamplingParams(
            0.0, null, null, null, 2.0, 0.5, 0.25, null, 10, List.of(), Set.of(), false, null,
            Map.of(), 0);
    int[] prompt = {0};
    int[] output = {1, 3, 3};
    LogitsProcessors.applyPenalties(logits, prompt, output, 3, resolve(p));
    // repetition: 2 -> 1 (prompt), -2 -> -4 (output), 1 -> 0.5 (output); token 2 untouched
    // then frequency/presence on output only: id1 -= 0.25 + 0.5, id3 -= 2 * 0.25 + 0.5
    assertThat(logits).containsExactly(1f, -4.75f, 1f, -0.5f);
  }

  @Test
  void aSeedGivesTheSameDrawsAndTemperatureSharpens() {
    float[] base = new float[1000];
    for (int i = 0; i < base.length; i++) {
      base[i] = (float) Math.sin(i) + (i == 500 ? 3 : 0);
    }
    ResolvedSampling hot = resolve(params(1.5, 1.0, 0, 0.0));
    int[] a = draws(base, hot, 7);
    int[] b = draws(base, hot, 7);
    int[] c = draws(base, hot, 8);
    assertThat(a).containsExactly(b);
    assertThat(a).isNotEqualTo(c);
    int[] cold = draws(base, resolve(params(0.01, 1.0, 0, 0.0)), 7);
    int best = LogitsProcessors.argmax(base);
    assertThat(cold).containsOnly(best);
  }

  @Test
  void logprobsOfTheChosenAndTopAlternatives() {
    float[] logits = {0, 2, 1};
    SamplingParams p =
        new SamplingParams(
            0.0, null, null, null, 1.0, 0, 0, null, 10, List.of(), Set.of(), false, 2, Map.of(), 0);
    Sampler.Choice choice =
        Sampler.sample(logits, resolve(p), new int[0], new int[0], 0, new SplittableRandom(1));
    double logSum = Math.log(Math.exp(0) + Math.exp(2) + Math.exp(1));
    assertThat(choice.tokenId()).isEqualTo(1);
    assertThat(choice.logprob()).isCloseTo(2 - logSum, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(choice.top()).extracting(TokenOutput.TokenLogprob::tokenId).containsExactly(1, 2);
  }

  @Test
  void theTopKShortcutDrawsExactlyWhatTheFullPathDraws() {
    float[] base = new float[151936];
    SplittableRandom values = new SplittableRandom(2);
    for (int i = 0; i < base.length; i++) {
      base[i] = (float) values.nextGaussian() * 3;
    }
    SamplingParams fast =
        new SamplingParams(
            0.7, 0.8, 20, 0.05, 1.1, 0, 0, null, 10, List.of(), Set.of(), false, null, Map.of(), 0);
    SamplingParams full =
        new SamplingParams(
            0.7, 0.8, 20, 0.05, 1.1, 0, 0, null, 10, List.of(), Set.of(), false, 0, Map.of(), 0);
    SplittableRandom a = new SplittableRandom(9);
    SplittableRandom b = new SplittableRandom(9);
    int[] prompt = {5, 17, 99};
    for (int i = 0; i < 50; i++) {
      int x = Sampler.sample(base.clone(), resolve(fast), prompt, new int[0], 0, a).tokenId();
      int y = Sampler.sample(base.clone(), resolve(full), prompt, new int[0], 0, b).tokenId();
      assertThat(x).isEqualTo(y);
    }
  }

  private static int[] draws(float[] base, ResolvedSampling s, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    int[] out = new int[20];
    for (int i = 0; i < out.length; i++) {
      out[i] = Sampler.sample(base.clone(), s, new int[0], new int[0], 0, random).tokenId();
    }
    return out;
  }
}
