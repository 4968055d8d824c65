package io.qwenops.inference.engine;

import static io.qwenops.inference.engine.EngineTestSupport.plainGreedy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qwenops.inference.engine.EngineTestSupport.Collector;
import io.qwenops.inference.model.TestCheckpoints;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The engine side of guided decoding: forced and allowed tokens, completion, and failures. */
class ConstrainedGenerationTest {

  private static LoadedModel model;
  private static final int[] PROMPT = {9707, 11, 1879};
  private static final Set<Integer> ALLOWED = Set.of(15, 16, 17, 18, 19);

  @BeforeAll
  static void load() throws Exception {
    model =
        QwenEngines.load(
            TestCheckpoints.tiny(),
            EngineOptions.defaults()
                .withDevice("cpu")
                .withMaxModelLen(64)
                .withKvCacheBytes(1L << 20));
  }

  @AfterAll
  static void close() {
    model.close();
  }

  /** Allows five ids; forces 151645 after four tokens; complete after that. */
  static final class FiveDigits implements TokenConstraint {
    int accepted;

    @Override
    public int forcedToken() {
      return accepted == 4 ? 151645 : -1;
    }

    @Override
    public boolean allows(int tokenId) {
      return ALLOWED.contains(tokenId);
    }

    @Override
    public boolean accept(int tokenId) {
      accepted++;
      return tokenId == 151645;
    }
  }

  @Test
  void greedyAndSampledRequestsOnlyTakeAllowedOrForcedTokens() throws Exception {
    SamplingParams sampled =
        new SamplingParams(
            1.0, 0.9, 0, 0.0, 1.0, 0, 0, 7L, 20, List.of(), Set.of(), true, 2, Map.of(), 0);
    for (SamplingParams p : List.of(plainGreedy(20), sampled)) {
      Collector c = new Collector();
      model.engine().submit(new GenerationRequest("c", PROMPT, p, null, new FiveDigits()), c);
      assertThat(c.await()).isEqualTo(FinishReason.STOP);
      int[] ids = c.ids();
      assertThat(ids).hasSize(5);
      for (int i = 0; i < 4; i++) {
        assertThat(ALLOWED).contains(ids[i]);
      }
      assertThat(ids[4]).isEqualTo(151645);
    }
  }

  @Test
  void aFailingConstraintFailsOnlyItsRequest() throws Exception {
    TokenConstraint broken =
        new TokenConstraint() {
          @Override
          public int forcedToken() {
            return -1;
          }

          @Override
          public boolean allows(int tokenId) {
            return false;
          }

          @Override
          public boolean accept(int tokenId) {
            return false;
          }
        };
    Collector failing = new Collector();
    Collector plain = new Collector();
    model
        .engine()
        .submit(new GenerationRequest("broken", PROMPT, plainGreedy(5), null, broken), failing);
    model.engine().submit(new GenerationRequest("plain", PROMPT, plainGreedy(5)), plain);
    assertThatThrownBy(failing::await).hasMessageContaining("allows no token");
    assertThat(plain.await()).isEqualTo(FinishReason.LENGTH);
    assertThat(plain.ids()).hasSize(5);
    EngineStats stats = model.engine().stats();
    assertThat(stats.kvBlocksFree()).isEqualTo(stats.kvBlocksTotal());
  }
}
