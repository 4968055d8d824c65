package io.qwenops.inference.guided;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.qwenops.inference.api.PromptTokenizer;
import io.qwenops.inference.api.chat.ForcedToolCall;
import io.qwenops.inference.api.chat.ToolCall;
import io.qwenops.inference.api.chat.ToolCallParser;
import io.qwenops.inference.api.chat.ToolChoice;
import io.qwenops.inference.server.TestTokenizers;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The tool-call grammar over the real Qwen vocabulary, driven by a "model" that picks random
 * tokens: whatever it picks among the allowed ones, the reply is one call to a declared function
 * with a JSON object as arguments, and it fits max_tokens.
 */
class ToolCallGrammarTest {

  private static final PromptTokenizer QWEN = TestTokenizers.QWEN;
  private static final int VOCAB = 151936;
  private static final List<String> TOOLS = List.of("get_weather", "get_time", "get_timezone");
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void randomChoicesAlwaysGiveOneValidCallWithinTheBudget() throws Exception {
    SplittableRandom random = new SplittableRandom(5);
    int cut = 0;
    for (int trial = 0; trial < 60; trial++) {
      boolean named = trial % 3 == 0;
      ForcedToolCall forced =
          ForcedToolCall.of(
              named
                  ? new ToolChoice(ToolChoice.Mode.NAMED, "get_time")
                  : new ToolChoice(ToolChoice.Mode.REQUIRED, null),
              TOOLS);
      int budget = 25 + random.nextInt(60);
      ToolCallGrammar grammar = forced.grammar(QWEN, VOCAB, budget);
      Run run = generate(grammar, budget, random);
      assertThat(run.complete).as("trial %d completes within %d tokens", trial, budget).isTrue();
      ToolCallParser.Parsed parsed = ToolCallParser.parse(forced.prefix() + run.text);
      assertThat(parsed.calls()).as(forced.prefix() + run.text).hasSize(1);
      ToolCall call = parsed.calls().get(0);
      assertThat(call.name()).isIn(TOOLS);
      if (named) {
        assertThat(call.name()).isEqualTo("get_time");
      }
      assertThat(JSON.readTree(call.arguments()).isObject()).isTrue();
      assertThat(run.text).endsWith("}\n</tool_call>");
      if (grammar.closedEarly()) {
        cut++;
      }
    }
    // Random tokens rarely close a JSON string on their own: most calls were closed for them.
    assertThat(cut).isPositive();
  }

  @Test
  void aBudgetTooSmallToCloseTheCallEndsIncomplete() {
    ForcedToolCall forced =
        ForcedToolCall.of(new ToolChoice(ToolChoice.Mode.REQUIRED, null), TOOLS);
    ToolCallGrammar grammar = forced.grammar(QWEN, VOCAB, 3);
    Run run = generate(grammar, 3, new SplittableRandom(1));
    assertThat(run.complete).isFalse();
    assertThat(ToolCallParser.parse(forced.prefix() + run.text).calls()).isEmpty();
  }

  /**
   * Found by the reliability suite: a named call with max_tokens 6 was a 500 on the random model.
   */
  @Test
  void everySmallBudgetLeavesATokenToTakeAtEveryStep() {
    SplittableRandom random = new SplittableRandom(12);
    for (int budget = 1; budget <= 14; budget++) {
      for (boolean named : new boolean[] {true, false}) {
        for (int trial = 0; trial < 4; trial++) {
          ForcedToolCall forced =
              ForcedToolCall.of(
                  named
                      ? new ToolChoice(ToolChoice.Mode.NAMED, "get_time")
                      : new ToolChoice(ToolChoice.Mode.REQUIRED, null),
                  TOOLS);
          generate(forced.grammar(QWEN, VOCAB, budget), budget, random);
        }
      }
    }
  }

  @Test
  void markupAndEndOfTextAreNeverAllowed() {
    ForcedToolCall forced =
        ForcedToolCall.of(new ToolChoice(ToolChoice.Mode.NAMED, "get_time"), TOOLS);
    ToolCallGrammar grammar = forced.grammar(QWEN, VOCAB, 100);
    assertThat(grammar.forcedToken()).isEqualTo(-1);
    for (int special : new int[] {151643, 151644, 151645, 151657, 151658, 151700}) {
      assertThat(grammar.allows(special)).as("id %d", special).isFalse();
    }
    assertThat(grammar.allows(QWEN.encode("{\"")[0])).isTrue();
    assertThat(grammar.allows(QWEN.encode("[")[0])).isFalse();
  }

  record Run(String text, boolean complete) {}

  /** Forced tokens as given; otherwise random allowed tokens, until complete or out of budget. */
  static Run generate(ToolCallGrammar grammar, int budget, SplittableRandom random) {
    List<Integer> ids = new ArrayList<>();
    boolean complete = false;
    while (!complete && ids.size() < budget) {
      int id = grammar.forcedToken();
      if (id < 0) {
        id = randomAllowed(grammar, random);
      }
      ids.add(id);
      complete = grammar.accept(id);
    }
    return new Run(
        QWEN.decode(ids.stream().mapToInt(Integer::intValue).toArray(), false), complete);
  }

  private static int randomAllowed(ToolCallGrammar grammar, SplittableRandom random) {
    for (int attempt = 0; attempt < 300; attempt++) {
      int id = random.nextInt(151_643);
      if (grammar.allows(id)) {
        return id;
      }
    }
    List<Integer> allowed = new ArrayList<>();
    for (int id = 0; id < VOCAB; id++) {
      if (grammar.allows(id)) {
        allowed.add(id);
      }
    }
    assertThat(allowed).as("the grammar always allows something").isNotEmpty();
    return allowed.get(random.nextInt(allowed.size()));
  }
}
