package io.qwenops.inference.engine;

import static io.qwenops.inference.engine.EngineTestSupport.plainGreedy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.qwenops.inference.engine.EngineTestSupport.Collector;
import io.qwenops.inference.model.TestCheckpoints;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Prompt logprobs (vLLM's prompt_logprobs, OpenAI's echo + logprobs): the engine's scores equal
 * teacher forcing, one token at a time, through chunked prefill, a warm prefix cache and
 * preemption, and reach the listener exactly once, before the first token.
 */
class PromptLogprobsTest {

  private static final int K = 3;
  private static TeacherForcing reference;
  private static List<int[]> prompts;

  @BeforeAll
  static void load() throws Exception {
    reference = new TeacherForcing(TestCheckpoints.tiny(), 128);
    SplittableRandom random = new SplittableRandom(11);
    prompts = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      int[] prompt = new int[2 + i * 6];
      for (int j = 0; j < prompt.length; j++) {
        prompt[j] = random.nextInt(150_000);
      }
      prompts.add(prompt);
    }
  }

  @AfterAll
  static void close() {
    reference.close();
  }

  private static EngineOptions base() {
    return EngineOptions.defaults()
        .withDevice("cpu")
        .withBlockSize(4)
        .withMaxModelLen(128)
        .withKvCacheBytes(4L << 20);
  }

  @Test
  void scoresEqualTeacherForcingInOneChunkAndInChunksOfSeven() throws Exception {
    for (EngineOptions options : List.of(base(), base().withMaxNumBatchedTokens(7))) {
      try (LoadedModel model = QwenEngines.load(TestCheckpoints.tiny(), options)) {
        List<Collector> runs = submitAll(model.engine(), "p");
        for (int i = 0; i < runs.size(); i++) {
          runs.get(i).await();
          assertMatchesTeacherForcing(prompts.get(i), runs.get(i));
        }
      }
    }
  }

  @Test
  void aWarmPrefixCacheIsNotUsedForScoring() throws Exception {
    try (LoadedModel model = QwenEngines.load(TestCheckpoints.tiny(), base())) {
      int[] prompt = prompts.get(11); // 68 tokens: 17 full blocks of 4
      EngineTestSupport.run(model.engine(), "warm", prompt, plainGreedy(2));
      Collector scored = new Collector();
      model
          .engine()
          .submit(new GenerationRequest("scored", prompt, plainGreedy(10), K, null), scored);
      scored.await();
      assertThat(scored.timings.cachedPromptTokens()).isZero();
      assertMatchesTeacherForcing(prompt, scored);
      // Without scores the same prompt hits the cache again.
      Collector plain = EngineTestSupport.run(model.engine(), "plain", prompt, plainGreedy(2));
      assertThat(plain.timings.cachedPromptTokens()).isEqualTo(64);
      assertThat(plain.promptDeliveries).isEmpty();
    }
  }

  @Test
  void preemptedRequestsAreScoredOnceAndCorrectly() throws Exception {
    // 30 blocks of 4 tokens = 120 tokens for 12 sequences that need up to 80 each.
    EngineOptions small =
        base().withKvCacheBytes(30L * 4 * 2 * 2 * 2 * 16 * 4).withMaxModelLen(120);
    try (LoadedModel model = QwenEngines.load(TestCheckpoints.tiny(), small)) {
      List<Collector> runs = submitAll(model.engine(), "tight");
      for (int i = 0; i < runs.size(); i++) {
        runs.get(i).await();
        assertMatchesTeacherForcing(prompts.get(i), runs.get(i));
      }
      EngineStats stats = model.engine().stats();
      assertThat(stats.preemptionsTotal()).isPositive();
      assertThat(stats.kvBlocksFree()).isEqualTo(stats.kvBlocksTotal());
    }
  }

  private static List<Collector> submitAll(InferenceEngine engine, String prefix) {
    List<Collector> runs = new ArrayList<>();
    for (int i = 0; i < prompts.size(); i++) {
      Collector c = new Collector();
      engine.submit(new GenerationRequest(prefix + i, prompts.get(i), plainGreedy(10), K, null), c);
      runs.add(c);
    }
    return runs;
  }

  private static void assertMatchesTeacherForcing(int[] prompt, Collector run) {
    assertThat(run.promptDeliveries).as("deliveries").hasSize(1);
    assertThat(run.tokensBeforePromptScores).as("tokens before the scores").isZero();
    assertThat(run.tokens).hasSize(10);
    List<PromptLogprob> scores = run.promptDeliveries.get(0);
    assertThat(scores).hasSize(prompt.length);
    assertThat(scores.get(0).tokenId()).isEqualTo(prompt[0]);
    assertThat(scores.get(0).logprob()).isNaN();
    assertThat(scores.get(0).top()).isEmpty();
    assertThat(scores.get(0).rank()).isZero();
    double[][] expected = reference.logprobs(prompt);
    for (int i = 1; i < prompt.length; i++) {
      PromptLogprob got = scores.get(i);
      double[] row = expected[i - 1];
      assertThat(got.tokenId()).isEqualTo(prompt[i]);
      assertThat(got.logprob()).as("token %d", i).isCloseTo(row[prompt[i]], within(1e-4));
      double v = row[prompt[i]];
      long above = java.util.Arrays.stream(row).filter(x -> x > v + 1e-4).count();
      long aboveOrNear = java.util.Arrays.stream(row).filter(x -> x > v - 1e-4).count();
      assertThat((long) got.rank()).as("rank of token %d", i).isBetween(above + 1, aboveOrNear);
      assertThat(got.top()).hasSize(K);
      int[] best = ConstrainedSampling.best(toFloats(row), K);
      for (int a = 0; a < K; a++) {
        assertThat(got.top().get(a).tokenId())
            .as("alternative %d of token %d", a, i)
            .isEqualTo(best[a]);
        assertThat(got.top().get(a).logprob()).isCloseTo(row[best[a]], within(1e-4));
      }
    }
  }

  private static float[] toFloats(double[] row) {
    float[] out = new float[row.length];
    for (int i = 0; i < row.length; i++) {
      out[i] = (float) row[i];
    }
    return out;
  }
}
