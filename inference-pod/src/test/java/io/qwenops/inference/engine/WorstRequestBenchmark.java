package io.qwenops.inference.engine;

import io.qwenops.inference.api.chat.ForcedToolCall;
import io.qwenops.inference.api.chat.ToolChoice;
import io.qwenops.inference.api.wire.RequestLimits;
import io.qwenops.inference.model.GenerationConfig;
import io.qwenops.inference.server.TestTokenizers;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;

/**
 * What the most expensive request the API accepts costs the step thread per generated token, on the
 * real Qwen vocabulary (151,936 logits): sampling with every truncation on and top-k at its
 * largest, stop matching with the most and longest stop strings allowed, and guided decoding of a
 * forced call to one of the most tools allowed while sampling. Prints medians per row; a request
 * with n choices pays it n times per step. Run: {@code ./mvnw -pl inference-pod test-compile
 * exec:exec@worst-request-bench}.
 */
public final class WorstRequestBenchmark {

  private static final int VOCAB = 151936;
  private static final int REPS = 31;

  public static void main(String[] args) {
    SplittableRandom random = new SplittableRandom(1);
    float[] logits = new float[VOCAB];
    for (int i = 0; i < VOCAB; i++) {
      logits[i] = (float) (random.nextGaussian() * 3);
    }
    int[] prompt = random.ints(2048, 0, VOCAB).toArray();
    int[] output = random.ints(2048, 0, VOCAB).toArray();
    GenerationConfig none = new GenerationConfig(Set.of(151645), null, null, null, null, null);
    System.out.printf("sampling one row of %d logits (prompt 2048 + output 2048 tokens):%n", VOCAB);
    for (int topK : new int[] {20, VOCAB / 2 - 1, VOCAB}) {
      for (Integer logprobs : new Integer[] {null, 20}) {
        ResolvedSampling s =
            ResolvedSampling.of(params(0.8, 0.95, topK, 0.05, 1.1, 0.5, 0.5, logprobs), none);
        report(
            String.format("  top_k %6d, top_p/min_p/penalties on, logprobs %4s", topK, logprobs),
            r ->
                Sampler.sample(
                    logits.clone(), s, prompt, output, output.length, new SplittableRandom(r)));
      }
    }
    biasAndMinTokens(logits, prompt, output, none);
    stopMatching();
    guidedDecoding(logits);
    structuredOutputs(logits);
  }

  /** A realistic extraction schema: nested objects, an array of anyOf items, enums, numbers. */
  static final String INVOICE =
      "{\"type\":\"object\",\"additionalProperties\":false,\"required\":[\"customer\",\"date\","
          + "\"currency\",\"items\",\"total\",\"paid\",\"notes\"],\"properties\":{"
          + "\"customer\":{\"type\":\"string\"},\"date\":{\"type\":\"string\"},"
          + "\"currency\":{\"enum\":[\"EUR\",\"USD\",\"GBP\",\"JPY\"]},"
          + "\"address\":{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{"
          + "\"street\":{\"type\":\"string\"},\"city\":{\"type\":\"string\"},"
          + "\"zip\":{\"type\":\"string\"},\"country\":{\"type\":\"string\"}}},"
          + "\"items\":{\"type\":\"array\",\"maxItems\":50,\"items\":{\"anyOf\":["
          + "{\"type\":\"object\",\"additionalProperties\":false,\"required\":[\"sku\",\"qty\",\"price\"],"
          + "\"properties\":{\"sku\":{\"type\":\"string\"},\"qty\":{\"type\":\"integer\"},"
          + "\"price\":{\"type\":\"number\"}}},"
          + "{\"type\":\"object\",\"additionalProperties\":false,\"required\":[\"sku\",\"hours\",\"rate\"],"
          + "\"properties\":{\"sku\":{\"type\":\"string\"},\"hours\":{\"type\":\"number\"},"
          + "\"rate\":{\"type\":\"number\"}}}]}},"
          + "\"total\":{\"type\":\"number\"},\"paid\":{\"type\":\"boolean\"},"
          + "\"notes\":{\"type\":[\"string\",\"null\"]}}}";

  /**
   * Structured outputs ({@code response_format} json_schema) with the schema above, in the states a
   * reply passes through; greedy (best 32 probed, the full mask only when all are refused) and
   * sampled (the full mask: one walk of the vocabulary trie), and the mask asked token by token
   * (what a walk saves).
   */
  private static void structuredOutputs(float[] logits) {
    io.qwenops.inference.guided.JsonSchema schema;
    try {
      schema =
          io.qwenops.inference.guided.SchemaCompiler.compile(
              new com.fasterxml.jackson.databind.ObjectMapper().readTree(INVOICE));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    var table = io.qwenops.inference.guided.TokenTable.of(TestTokenizers.QWEN, VOCAB);
    ResolvedSampling sampled =
        ResolvedSampling.of(params(0.8, 0.95, 50, null, null, 0, 0, null), none());
    ResolvedSampling greedy = ResolvedSampling.of(params(0, 1, 0, null, null, 0, 0, null), none());
    System.out.println("structured output, an invoice schema (nested, anyOf items, enums):");
    String[][] states = {
      {"object just opened (a key)", "{"},
      {"inside a string value", "{\"customer\": \"Acme Wid"},
      {"inside a string of an anyOf item", "{\"customer\": \"A\", \"items\": [{\"sku\": \"X-1"},
      {"after a value", "{\"customer\": \"Acme\""},
      {"inside a number", "{\"customer\": \"A\", \"total\": 12"},
    };
    for (String[] st : states) {
      var grammar =
          new io.qwenops.inference.guided.JsonSchemaGrammar(
              table, TestTokenizers.QWEN, schema, 4096);
      for (int id : TestTokenizers.QWEN.encode(st[1])) {
        grammar.accept(id);
      }
      for (ResolvedSampling s : List.of(greedy, sampled)) {
        report(
            String.format("  %-34s %s", st[0], s.greedy() ? "greedy" : "sampled"),
            r ->
                ConstrainedSampling.sample(
                    logits.clone(),
                    s,
                    new SplittableRandom(r),
                    grammar,
                    LogprobsMode.RAW_LOGPROBS,
                    null,
                    Set.of(151645)));
      }
      report(
          String.format("  %-34s %s", st[0], "mask alone (trie walk)"),
          r -> grammar.mask(logits.clone()));
      TokenConstraint tokenByToken =
          new TokenConstraint() {
            @Override
            public int forcedToken() {
              return -1;
            }

            @Override
            public boolean allows(int tokenId) {
              return grammar.allows(tokenId);
            }

            @Override
            public boolean accept(int tokenId) {
              return false;
            }
          };
      report(
          String.format("  %-34s %s", st[0], "mask alone, token by token"),
          r -> tokenByToken.mask(logits.clone()));
    }
  }

  /** The most logit_bias entries and stop ids allowed, min_tokens not yet reached, per mode. */
  private static void biasAndMinTokens(
      float[] logits, int[] prompt, int[] output, GenerationConfig none) {
    java.util.Map<Integer, Float> bias = new java.util.HashMap<>();
    for (int i = 0; i < RequestLimits.MAX_LOGIT_BIAS; i++) {
      bias.put(i * 148, 1.5f);
    }
    Set<Integer> stopIds = new java.util.HashSet<>();
    for (int i = 0; i < RequestLimits.MAX_STOP_TOKEN_IDS; i++) {
      stopIds.add(VOCAB - 1 - i * 7);
    }
    for (LogprobsMode mode :
        new LogprobsMode[] {LogprobsMode.RAW_LOGPROBS, LogprobsMode.PROCESSED_LOGPROBS}) {
      SamplingParams p =
          new SamplingParams(
              0.8, 0.95, 20, 0.05, 1.1, 0.5, 0.5, null, 4096, List.of(), stopIds, false, 20, bias,
              4096);
      ResolvedSampling s = ResolvedSampling.of(p, none);
      report(
          String.format(
              "  top_k 20, 20 logprobs, %d logit_bias, %d stop ids under min_tokens, %s",
              bias.size(), stopIds.size(), mode.wireName()),
          r ->
              Sampler.sample(
                  logits.clone(),
                  s,
                  prompt,
                  output,
                  output.length,
                  new SplittableRandom(r),
                  null,
                  mode,
                  Set.of(151645)));
    }
  }

  private static void stopMatching() {
    System.out.printf(
        "stop matching per token (%d stop strings of %d chars, 8-char tokens):%n",
        RequestLimits.MAX_STOP_STRINGS, RequestLimits.MAX_STOP_LENGTH);
    // Every stop string is a run of 'a' with a different last character: a run of 'a' in the
    // output keeps the longest possible text held back and every stop string half matched.
    List<String> stops = new ArrayList<>();
    for (int i = 0; i < RequestLimits.MAX_STOP_STRINGS; i++) {
      stops.add("a".repeat(RequestLimits.MAX_STOP_LENGTH - 1) + (char) ('A' + i));
    }
    for (List<String> set : List.of(stops.subList(0, 1), stops)) {
      StopStringMatcher m = new StopStringMatcher(set);
      int tokens = 200_000;
      double[] perToken = new double[REPS];
      for (int r = 0; r < REPS; r++) {
        long t = System.nanoTime();
        for (int i = 0; i < tokens; i++) {
          m.accept("aaaaaaaa");
        }
        perToken[r] = (System.nanoTime() - t) / 1e3 / tokens;
      }
      Arrays.sort(perToken);
      System.out.printf(
          "  %2d stop strings: %8.3f us per token median%n", set.size(), perToken[REPS / 2]);
    }
  }

  private static void guidedDecoding(float[] logits) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < RequestLimits.MAX_TOOLS; i++) {
      String n = "tool_" + i + "_";
      names.add(n + "x".repeat(RequestLimits.MAX_TOOL_NAME_LENGTH - n.length()));
    }
    ForcedToolCall required =
        ForcedToolCall.of(new ToolChoice(ToolChoice.Mode.REQUIRED, null), names);
    ResolvedSampling s = ResolvedSampling.of(params(0.8, 0.95, 50, null, null, 0, 0, null), none());
    System.out.printf(
        "guided tool call, tool_choice required over %d tools (%d-char names), sampled:%n",
        names.size(), RequestLimits.MAX_TOOL_NAME_LENGTH);
    var grammar = required.grammar(TestTokenizers.QWEN, VOCAB, 4096);
    for (int id : TestTokenizers.QWEN.encode("tool_1")) {
      grammar.accept(id);
    }
    report(
        "  choosing the name (full mask + draw)",
        r ->
            ConstrainedSampling.sample(
                logits.clone(),
                s,
                new SplittableRandom(r),
                grammar,
                LogprobsMode.RAW_LOGPROBS,
                null,
                Set.of(151645)));
  }

  private static GenerationConfig none() {
    return new GenerationConfig(Set.of(151645), null, null, null, null, null);
  }

  private static SamplingParams params(
      double temperature,
      double topP,
      int topK,
      Double minP,
      Double repetition,
      double presence,
      double frequency,
      Integer logprobs) {
    return new SamplingParams(
        temperature,
        topP,
        topK,
        minP,
        repetition,
        presence,
        frequency,
        null,
        16,
        List.of(),
        Set.of(),
        false,
        logprobs,
        Map.of(),
        0);
  }

  private static void report(String what, IntConsumer step) {
    for (int r = 0; r < 5; r++) {
      step.accept(r);
    }
    double[] ms = new double[REPS];
    for (int r = 0; r < REPS; r++) {
      long t = System.nanoTime();
      step.accept(r);
      ms[r] = (System.nanoTime() - t) / 1e6;
    }
    Arrays.sort(ms);
    System.out.printf("%-62s %8.2f ms median, %8.2f ms max%n", what, ms[REPS / 2], ms[REPS - 1]);
  }
}
