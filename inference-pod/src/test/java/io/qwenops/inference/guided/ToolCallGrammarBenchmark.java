package io.qwenops.inference.guided;

import io.qwenops.inference.api.PromptTokenizer;
import io.qwenops.inference.api.chat.ForcedToolCall;
import io.qwenops.inference.api.chat.ToolChoice;
import io.qwenops.inference.server.TestTokenizers;
import java.util.Arrays;
import java.util.List;

/**
 * What guided tool-call decoding costs per generated token on the real Qwen vocabulary (151,936
 * ids): the full mask a sampled request needs each step, in the states a call passes through, and
 * the greedy path's probe of the 32 likeliest tokens. Prints medians; docs/benchmarks.md records
 * them. Run: {@code ./mvnw -pl inference-pod test-compile exec:exec@grammar-bench}.
 */
public final class ToolCallGrammarBenchmark {

  private static final int VOCAB = 151936;
  private static final int REPS = 25;

  public static void main(String[] args) {
    PromptTokenizer qwen = TestTokenizers.QWEN;
    long t = System.nanoTime();
    TokenTable.of(qwen, VOCAB);
    System.out.printf("token table (once per model): %.1f ms%n", (System.nanoTime() - t) / 1e6);
    List<String> tools = List.of("get_weather", "get_time", "search_flights");
    ForcedToolCall required =
        ForcedToolCall.of(new ToolChoice(ToolChoice.Mode.REQUIRED, null), tools);
    ForcedToolCall named =
        ForcedToolCall.of(new ToolChoice(ToolChoice.Mode.NAMED, "get_weather"), tools);
    report("full mask, choosing the name", grammar(required, qwen, "get_"));
    report("full mask, object just opened", grammar(named, qwen, "{"));
    report("full mask, inside a string value", grammar(named, qwen, "{\"city\": \"Par"));
    report("full mask, after a value", grammar(named, qwen, "{\"city\": \"Paris\""));
    report("full mask, inside a number", grammar(named, qwen, "{\"days\": 12"));
    probe(grammar(named, qwen, "{\"city\": \"Par"));
  }

  private static ToolCallGrammar grammar(ForcedToolCall forced, PromptTokenizer qwen, String so) {
    ToolCallGrammar g = forced.grammar(qwen, VOCAB, 4096);
    for (int id : qwen.encode(so)) {
      g.accept(id);
    }
    return g;
  }

  private static void report(String what, ToolCallGrammar g) {
    double[] ms = new double[REPS];
    int allowed = 0;
    for (int r = 0; r < REPS; r++) {
      long t = System.nanoTime();
      allowed = 0;
      for (int id = 0; id < VOCAB; id++) {
        if (g.allows(id)) {
          allowed++;
        }
      }
      ms[r] = (System.nanoTime() - t) / 1e6;
    }
    Arrays.sort(ms);
    System.out.printf(
        "%-36s %8.2f ms median, %8.2f ms min  (%d of %d allowed)%n",
        what, ms[REPS / 2], ms[0], allowed, VOCAB);
  }

  /** The greedy path: 32 candidates checked (here arbitrary ids; a model's likeliest). */
  private static void probe(ToolCallGrammar g) {
    int[] ids = new int[32];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = 1000 + i * 4099;
    }
    long t = System.nanoTime();
    int rounds = 10_000;
    int allowed = 0;
    for (int r = 0; r < rounds; r++) {
      for (int id : ids) {
        if (g.allows(id)) {
          allowed++;
        }
      }
    }
    System.out.printf(
        "greedy probe of 32 candidates          %8.4f ms per step (%d allowed)%n",
        (System.nanoTime() - t) / 1e6 / rounds, allowed / rounds);
  }
}
