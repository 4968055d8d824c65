package io.qwenops.inference.engine;

import static io.qwenops.inference.engine.EngineTestSupport.plainGreedy;
import static org.assertj.core.api.Assertions.assertThat;

import io.qwenops.inference.engine.EngineTestSupport.Collector;
import io.qwenops.inference.model.TestCheckpoints;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Batch invariance: what a sequence generates (greedy) does not depend on what else is in the
 * batch, on prefix-cache hits, on preemption or on chunked prefill.
 */
class ContinuousBatchingTest {

  private static LoadedModel alone;
  private static List<int[]> prompts;
  private static List<int[]> expected;

  private static EngineOptions base() {
    return EngineOptions.defaults()
        .withDevice("cpu")
        .withBlockSize(4)
        .withMaxModelLen(256)
        .withKvCacheBytes(4L << 20);
  }

  @BeforeAll
  static void generateEachPromptAlone() throws Exception {
    alone =
        QwenEngines.load(TestCheckpoints.tiny(), base().withMaxNumSeqs(1).withPrefixCaching(false));
    SplittableRandom random = new SplittableRandom(3);
    prompts = new ArrayList<>();
    expected = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      int[] prompt = new int[3 + i * 5];
      for (int j = 0; j < prompt.length; j++) {
        prompt[j] = random.nextInt(150_000);
      }
      prompts.add(prompt);
      expected.add(
          EngineTestSupport.run(alone.engine(), "alone-" + i, prompt, plainGreedy(12)).ids());
    }
  }

  @AfterAll
  static void close() {
    alone.close();
  }

  @Test
  void sixteenConcurrentSequencesOfDifferentLengthsMatchTheirSoloRuns() throws Exception {
    try (LoadedModel model = QwenEngines.load(TestCheckpoints.tiny(), base())) {
      List<Collector> runs = submitAll(model.engine(), "batch");
      for (int i = 0; i < runs.size(); i++) {
        assertThat(runs.get(i).await()).isEqualTo(FinishReason.LENGTH);
        assertThat(runs.get(i).ids()).as("sequence %d", i).containsExactly(expected.get(i));
      }
      assertThat(model.engine().stats().kvBlocksFree())
          .isEqualTo(model.engine().stats().kvBlocksTotal());
    }
  }

  @Test
  void prefixCacheHitsSkipPrefillAndGiveTheSameTokens() throws Exception {
    try (LoadedModel model = QwenEngines.load(TestCheckpoints.tiny(), base())) {
      int[] prompt = prompts.get(15); // 78 tokens: 19 full blocks of 4
      Collector first = EngineTestSupport.run(model.engine(), "first", prompt, plainGreedy(12));
      Collector second = EngineTestSupport.run(model.engine(), "second", prompt, plainGreedy(12));
      assertThat(first.timings.cachedPromptTokens()).isZero();
      assertThat(second.timings.cachedPromptTokens()).isEqualTo(76);
      assertThat(second.ids()).containsExactly(expected.get(15));
      assertThat(model.engine().stats().prefixCacheHitsTotal()).isEqualTo(76);
      assertThat(model.engine().stats().prefixCacheQueriesTotal()).isEqualTo(2 * 78);
    }
  }

  @Test
  void aForgedHashCollisionNeverServesAnotherPromptsKv() throws Exception {
    // Under this hasher block i of every prompt has the same hash: only the token check is left.
    try (LoadedModel model =
        QwenEngines.load(
            TestCheckpoints.tiny(), base(), StepHook.NONE, PrefixCacheTest.POSITION_ONLY)) {
      int[] victim = prompts.get(15);
      int[] other = prompts.get(14); // different tokens, 18 full blocks at colliding hashes
      EngineTestSupport.run(model.engine(), "victim", victim, plainGreedy(12));
      Collector attacker = EngineTestSupport.run(model.engine(), "other", other, plainGreedy(12));
      assertThat(attacker.timings.cachedPromptTokens()).isZero();
      assertThat(attacker.ids()).containsExactly(expected.get(14));
      Collector again = EngineTestSupport.run(model.engine(), "again", victim, plainGreedy(12));
      assertThat(again.timings.cachedPromptTokens()).isEqualTo(76);
      assertThat(again.ids()).containsExactly(expected.get(15));
    }
  }

  @Test
  void preemptedSequencesAreRecomputedAndStillMatch() throws Exception {
    // 40 blocks of 4 tokens = 160 tokens for 16 sequences that need up to 90 each.
    EngineOptions small = base().withKvCacheBytes(40L * 4 * kvBytesPerToken()).withMaxModelLen(160);
    try (LoadedModel model = QwenEngines.load(TestCheckpoints.tiny(), small)) {
      assertThat(model.engine().stats().kvBlocksTotal()).isEqualTo(40);
      List<Collector> runs = submitAll(model.engine(), "tight");
      for (int i = 0; i < runs.size(); i++) {
        assertThat(runs.get(i).await()).isEqualTo(FinishReason.LENGTH);
        assertThat(runs.get(i).ids()).as("sequence %d", i).containsExactly(expected.get(i));
      }
      EngineStats stats = model.engine().stats();
      assertThat(stats.preemptionsTotal()).isPositive();
      assertThat(stats.kvBlocksFree()).isEqualTo(stats.kvBlocksTotal());
    }
  }

  @Test
  void longPromptsPrefilledInSmallChunksMatch() throws Exception {
    try (LoadedModel model =
        QwenEngines.load(TestCheckpoints.tiny(), base().withMaxNumBatchedTokens(7))) {
      List<Collector> runs = submitAll(model.engine(), "chunked");
      for (int i = 0; i < runs.size(); i++) {
        runs.get(i).await();
        assertThat(runs.get(i).ids()).as("sequence %d", i).containsExactly(expected.get(i));
      }
    }
  }

  private static List<Collector> submitAll(InferenceEngine engine, String prefix) {
    List<Collector> runs = new ArrayList<>();
    for (int i = 0; i < prompts.size(); i++) {
      Collector c = new Collector();
      engine.submit(new GenerationRequest(prefix + i, prompts.get(i), plainGreedy(12)), c);
      runs.add(c);
    }
    return runs;
  }

  /** Tiny preset: 2 layers x (K and V) x 2 KV heads x 16 dims x 4 bytes. */
  private static long kvBytesPerToken() {
    return 2L * 2 * 2 * 16 * 4;
  }
}
