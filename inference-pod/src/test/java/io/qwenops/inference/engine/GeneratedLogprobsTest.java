package io.qwenops.inference.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.qwenops.inference.engine.EngineTestSupport.Collector;
import io.qwenops.inference.model.TestCheckpoints;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Logprobs of generated tokens, as vLLM returns them by default: the model's raw distribution,
 * whatever repetition penalty, temperature or top-k chose the token (checked against teacher
 * forcing); logit bias and min_tokens change which tokens come, not what is reported.
 */
class GeneratedLogprobsTest {

  private static final int K = 3;

  /** A prompt that repeats itself, so the penalty falls on tokens the model is likely to pick. */
  private static final int[] PROMPT = {
    9707, 11, 1879, 13, 9707, 11, 1879, 13, 9707, 11, 1879, 13, 9707, 11
  };

  private static TeacherForcing reference;

  @BeforeAll
  static void load() throws Exception {
    reference = new TeacherForcing(TestCheckpoints.tiny(), 128);
  }

  @AfterAll
  static void close() {
    reference.close();
  }

  private static EngineOptions options(LogprobsMode mode) {
    return EngineOptions.defaults()
        .withDevice("cpu")
        .withBlockSize(4)
        .withMaxModelLen(128)
        .withKvCacheBytes(4L << 20)
        .withLogprobsMode(mode);
  }

  private static SamplingParams sampling(
      double temperature, Integer topK, double repetition, Map<Integer, Float> bias, int min) {
    return sampling(temperature, topK, repetition, 0, bias, min);
  }

  private static SamplingParams sampling(
      double temperature,
      Integer topK,
      double repetition,
      double presence,
      Map<Integer, Float> bias,
      int min) {
    return new SamplingParams(
        temperature,
        null,
        topK,
        null,
        repetition,
        presence,
        0,
        7L,
        12,
        List.of(),
        Set.of(),
        false,
        K,
        bias,
        min);
  }

  private static Collector generate(LoadedModel model, SamplingParams p) throws Exception {
    Collector c = new Collector();
    model.engine().submit(new GenerationRequest("r", PROMPT, p), c);
    c.await();
    return c;
  }

  @Test
  void rawLogprobsEqualTeacherForcingWithPenaltiesTemperatureAndTopK() throws Exception {
    try (LoadedModel model = QwenEngines.load(TestCheckpoints.tiny(), options(null))) {
      for (SamplingParams p :
          List.of(
              sampling(0, null, 1.05, Map.of(), 0), // the checkpoint's own penalty, greedy
              // A negative presence penalty makes the reply repeat its first token: the
              // processed logprob of each repeat is ~2 above the model's own.
              sampling(0, null, 1.05, -2, Map.of(), 0),
              sampling(0.7, 20, 1.05, -2, Map.of(), 0))) {
        Collector run = generate(model, p);
        assertRaw(run, p.toString());
      }
    }
  }

  @Test
  void processedModesReportThePenalisedRowRawLogitsTheModelsOwn() throws Exception {
    SamplingParams p = sampling(0, null, 2.0, -2, Map.of(), 0);
    try (LoadedModel processed =
        QwenEngines.load(TestCheckpoints.tiny(), options(LogprobsMode.PROCESSED_LOGPROBS))) {
      Collector run = generate(processed, p);
      double[][] rows = reference.logprobs(withOutput(run));
      double gap = 0;
      for (int j = 0; j < run.tokens.size(); j++) {
        TokenOutput t = run.tokens.get(j);
        gap = Math.max(gap, Math.abs(t.logprob() - rows[PROMPT.length - 1 + j][t.tokenId()]));
      }
      assertThat(gap).as("processed vs raw, presence_penalty -2").isGreaterThan(1.5);
    }
    try (LoadedModel raw =
            QwenEngines.load(TestCheckpoints.tiny(), options(LogprobsMode.RAW_LOGITS));
        LoadedModel processed =
            QwenEngines.load(TestCheckpoints.tiny(), options(LogprobsMode.PROCESSED_LOGITS))) {
      Collector logits = generate(raw, p);
      Collector penalised = generate(processed, p);
      assertThat(penalised.ids()).isEqualTo(logits.ids());
      int[] full = withOutput(logits);
      double[][] rows = reference.logprobs(full);
      for (int j = 0; j < logits.tokens.size(); j++) {
        TokenOutput t = logits.tokens.get(j);
        int id = t.tokenId();
        boolean seen = Arrays.stream(full, 0, PROMPT.length + j).anyMatch(x -> x == id);
        boolean output =
            Arrays.stream(full, PROMPT.length, PROMPT.length + j).anyMatch(x -> x == id);
        double expected = !seen ? t.logprob() : t.logprob() > 0 ? t.logprob() / 2 : t.logprob() * 2;
        expected += output ? 2 : 0;
        assertThat(penalised.tokens.get(j).logprob())
            .as("processed logit of token %d", j)
            .isCloseTo(expected, within(1e-4));
        // A raw logit less the model's logprob is the row's logsumexp: the same for every token.
        double[] row = rows[PROMPT.length - 1 + j];
        TokenOutput.TokenLogprob best = t.topLogprobs().get(0);
        assertThat(t.logprob() - row[id])
            .isCloseTo(best.logprob() - row[best.tokenId()], within(1e-3));
      }
    }
  }

  @Test
  void logitBiasOfPlus100ForcesATokenAndMinus100BansIt() throws Exception {
    try (LoadedModel model = QwenEngines.load(TestCheckpoints.tiny(), options(null))) {
      Collector plain = generate(model, sampling(0, null, 1.0, Map.of(), 0));
      int favourite = plain.ids()[0];
      Collector banned = generate(model, sampling(0, null, 1.0, Map.of(favourite, -100f), 0));
      assertThat(banned.ids()).doesNotContain(favourite);
      Collector forced = generate(model, sampling(0.9, null, 1.0, Map.of(4242, 100f), 0));
      assertThat(forced.ids()).containsOnly(4242);
      // The reported logprobs stay the model's own, not the biased ones.
      assertRaw(banned, "banned");
      assertRaw(forced, "forced");
    }
  }

  @Test
  void minTokensHoldsEosBackThenLetsItStop() throws Exception {
    Map<Integer, Float> wantsEos = Map.of(151645, 100f);
    try (LoadedModel model = QwenEngines.load(TestCheckpoints.tiny(), options(null))) {
      Collector eager = generate(model, sampling(0, null, 1.0, wantsEos, 0));
      assertThat(eager.await()).isEqualTo(FinishReason.STOP);
      assertThat(eager.ids()).containsExactly(151645);
      Collector held = generate(model, sampling(0, null, 1.0, wantsEos, 5));
      assertThat(held.await()).isEqualTo(FinishReason.STOP);
      assertThat(held.ids()).hasSize(6).endsWith(151645);
      assertThat(Arrays.copyOf(held.ids(), 5)).doesNotContain(151645, 151643);
    }
  }

  @Test
  void minTokensHoldsStopTokenIdsAndStopStringsBack() throws Exception {
    try (LoadedModel model = QwenEngines.load(TestCheckpoints.tiny(), options(null))) {
      Collector plain = generate(model, sampling(0, null, 1.0, Map.of(), 0));
      int first = plain.ids()[0];
      String firstText = plain.tokens.get(0).text();
      SamplingParams stopAtFirst =
          new SamplingParams(
              0.0,
              null,
              null,
              null,
              1.0,
              0,
              0,
              null,
              12,
              List.of(),
              Set.of(first),
              false,
              null,
              Map.of(),
              4);
      Collector held = generate(model, stopAtFirst);
      assertThat(held.ids()).hasSizeGreaterThanOrEqualTo(4);
      assertThat(Arrays.copyOf(held.ids(), 4)).doesNotContain(first);
      if (!firstText.isBlank()) {
        SamplingParams stopString =
            new SamplingParams(
                0.0,
                null,
                null,
                null,
                1.0,
                0,
                0,
                null,
                12,
                List.of(firstText),
                Set.of(),
                false,
                null,
                Map.of(),
                3);
        Collector text = generate(model, stopString);
        assertThat(text.ids())
            .as("a stop string in token 1 does not stop")
            .hasSizeGreaterThanOrEqualTo(4);
      }
    }
  }

  private static int[] withOutput(Collector run) {
    int[] ids = run.ids();
    int[] full = Arrays.copyOf(PROMPT, PROMPT.length + ids.length);
    System.arraycopy(ids, 0, full, PROMPT.length, ids.length);
    return full;
  }

  /** Each token's logprob and alternatives are the model's, teacher-forced over the same text. */
  private static void assertRaw(Collector run, String what) {
    assertThat(run.tokens).as(what).isNotEmpty();
    double[][] rows = reference.logprobs(withOutput(run));
    for (int j = 0; j < run.tokens.size(); j++) {
      TokenOutput t = run.tokens.get(j);
      double[] row = rows[PROMPT.length - 1 + j];
      assertThat(t.logprob()).as("%s token %d", what, j).isCloseTo(row[t.tokenId()], within(1e-4));
      int[] best = ConstrainedSampling.best(toFloats(row), K);
      for (int a = 0; a < K; a++) {
        assertThat(t.topLogprobs().get(a).tokenId()).isEqualTo(best[a]);
        assertThat(t.topLogprobs().get(a).logprob()).isCloseTo(row[best[a]], within(1e-4));
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
