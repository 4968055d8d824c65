package io.qwenops.inference.api.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qwenops.inference.api.ApiException;
import io.qwenops.inference.engine.EngineStats;
import io.qwenops.inference.engine.FinishReason;
import io.qwenops.inference.engine.GenerationListener;
import io.qwenops.inference.engine.GenerationRequest;
import io.qwenops.inference.engine.InferenceEngine;
import io.qwenops.inference.engine.QueueFullException;
import io.qwenops.inference.engine.RequestTimings;
import io.qwenops.inference.engine.SamplingParams;
import io.qwenops.inference.engine.TokenOutput;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

/** How engine callbacks become the handler's event sequence, and how refusals become answers. */
class GenerationTest {

  static final RequestTimings T = new RequestTimings(1, 1, 1, 1, 1, 1, 0);

  /** An engine whose submit runs the given script against the listener at once. */
  static final class Immediate implements InferenceEngine {
    final List<String> aborted = new ArrayList<>();
    final BiConsumer<GenerationRequest, GenerationListener> script;

    Immediate(BiConsumer<GenerationRequest, GenerationListener> script) {
      this.script = script;
    }

    @Override
    public void submit(GenerationRequest request, GenerationListener listener) {
      script.accept(request, listener);
    }

    @Override
    public void abort(String requestId) {
      aborted.add(requestId);
    }

    @Override
    public EngineStats stats() {
      return null;
    }

    @Override
    public int maxModelLen() {
      return 64;
    }

    @Override
    public void close() {}
  }

  static List<Generation.Choice> choices(int n) {
    List<Generation.Choice> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new Generation.Choice(i, new int[] {1}, SamplingParams.greedy(2)));
    }
    return out;
  }

  @Test
  void eventsOfEveryChoiceArriveAndTheEndIsNull() throws Exception {
    Immediate engine =
        new Immediate(
            (r, l) -> {
              l.onToken(new TokenOutput(5, "a", Double.NaN, List.of()));
              l.onFinish(FinishReason.LENGTH, T);
            });
    Generation g = Generation.start(engine, "req", choices(2), RequestMetrics.NONE);
    List<String> seen = new ArrayList<>();
    for (GenerationEvent e = g.next(); e != null; e = g.next()) {
      seen.add(e.getClass().getSimpleName() + e.index());
    }
    assertThat(seen).containsExactly("Token0", "Finished0", "Token1", "Finished1");
  }

  @Test
  void anErrorThenAFinishEndsTheChoiceOnce() throws Exception {
    Immediate engine =
        new Immediate(
            (r, l) -> {
              l.onError(new IllegalStateException("boom"));
              l.onToken(new TokenOutput(5, "late", Double.NaN, List.of()));
              l.onFinish(FinishReason.ABORT, T);
            });
    Generation g = Generation.start(engine, "req", choices(1), RequestMetrics.NONE);
    assertThat(g.next()).isInstanceOf(GenerationEvent.Failed.class);
    assertThat(g.next()).isNull();
  }

  @Test
  void aFullQueueAbortsTheChoicesAlreadySubmittedAndIs429() {
    int[] calls = {0};
    Immediate engine =
        new Immediate(
            (r, l) -> {
              if (calls[0]++ == 1) {
                throw new QueueFullException(8);
              }
            });
    assertThatThrownBy(() -> Generation.start(engine, "req", choices(3), RequestMetrics.NONE))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(429));
    assertThat(engine.aborted).singleElement().asString().startsWith("req-").endsWith("-0");
  }

  @Test
  void anEngineRefusalOfThePromptIs400() {
    Immediate engine =
        new Immediate(
            (r, l) -> {
              throw new IllegalArgumentException("prompt too long");
            });
    assertThatThrownBy(() -> Generation.start(engine, "req", choices(1), RequestMetrics.NONE))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(400));
  }
}
