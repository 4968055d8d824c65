package io.qwenops.inference.api.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Streamed tool calls as OpenAI's incremental deltas: content first, each call announced with its
 * name, then its arguments; whatever the chunking, the fragments add up to the plain answer's
 * arguments.
 */
class ToolCallDeltasTest {

  static final String TWO_CALLS =
      "Checking.\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\","
          + " \"days\": [1, 2], \"note\": \"a } in a \\\"string\\\"  \"}}\n</tool_call>\n"
          + "<tool_call>\n{\"name\": \"get_time\", \"arguments\": {}}\n</tool_call>";

  /** What a client assembles from the deltas. */
  record Assembled(String content, List<String> names, List<String> arguments, boolean complete) {}

  static Assembled stream(ToolCallDeltas deltas, String text, int chunk) {
    List<ToolCallDeltas.Delta> all = new ArrayList<>(deltas.accept(""));
    for (int i = 0; i < text.length(); i += chunk) {
      all.addAll(deltas.accept(text.substring(i, Math.min(text.length(), i + chunk))));
    }
    ToolCallDeltas.End end = deltas.finish();
    all.addAll(end.deltas());
    StringBuilder content = new StringBuilder();
    List<String> names = new ArrayList<>();
    Map<Integer, StringBuilder> args = new LinkedHashMap<>();
    for (ToolCallDeltas.Delta d : all) {
      switch (d) {
        case ToolCallDeltas.Content c -> content.append(c.text());
        case ToolCallDeltas.CallStart s -> {
          assertThat(s.index()).isEqualTo(names.size());
          assertThat(s.id()).startsWith("call_");
          names.add(s.name());
          args.put(s.index(), new StringBuilder());
        }
        case ToolCallDeltas.CallArguments a -> {
          assertThat(args).containsKey(a.index());
          args.get(a.index()).append(a.fragment());
        }
      }
    }
    return new Assembled(
        content.toString(),
        names,
        args.values().stream().map(StringBuilder::toString).toList(),
        end.complete());
  }

  @Test
  void everyChunkingStreamsTheCallsInOrderWithThePlainAnswersArguments() {
    ToolCallParser.Parsed plain = ToolCallParser.parse(TWO_CALLS);
    List<String> expected = plain.calls().stream().map(ToolCall::arguments).toList();
    assertThat(expected.getFirst())
        .isEqualTo("{\"city\":\"Paris\",\"days\":[1,2],\"note\":\"a } in a \\\"string\\\"  \"}");
    for (int chunk = 1; chunk <= TWO_CALLS.length(); chunk++) {
      Assembled a = stream(new ToolCallDeltas(Integer.MAX_VALUE, ""), TWO_CALLS, chunk);
      assertThat(a.content()).as("chunk %d", chunk).isEqualTo("Checking.\n");
      assertThat(a.names()).containsExactly("get_weather", "get_time");
      assertThat(a.arguments()).as("chunk %d", chunk).isEqualTo(expected);
      assertThat(a.complete()).isTrue();
    }
  }

  @Test
  void aCallIsAnnouncedOnceItsNameIsCompleteAndItsArgumentsFlowAsGenerated() {
    ToolCallDeltas deltas = new ToolCallDeltas(Integer.MAX_VALUE, "");
    assertThat(deltas.accept("<tool_call>\n{\"name\": \"get_wea")).isEmpty();
    List<ToolCallDeltas.Delta> named = deltas.accept("ther\", \"arguments\": {\"ci");
    assertThat(named).hasSize(2);
    assertThat(named.getFirst())
        .isInstanceOfSatisfying(
            ToolCallDeltas.CallStart.class, s -> assertThat(s.name()).isEqualTo("get_weather"));
    assertThat(named.getLast()).isEqualTo(args(0, "{\"ci"));
    assertThat(deltas.accept("ty\": \"Pa")).containsExactly(args(0, "ty\":\"Pa"));
  }

  @Test
  void parallelFalseStreamsOnlyTheFirstCall() {
    Assembled a = stream(new ToolCallDeltas(1, ""), TWO_CALLS, 5);
    assertThat(a.names()).containsExactly("get_weather");
    assertThat(a.content()).isEqualTo("Checking.\n");
    assertThat(a.complete()).isTrue();
  }

  @Test
  void aMalformedBlockBeforeItsNameStreamsAsContentAsThePlainAnswerReturnsIt() {
    String text = "Hm <tool_call>\n{\"nam: oops}\n</tool_call> more";
    Assembled a = stream(new ToolCallDeltas(Integer.MAX_VALUE, ""), text, 3);
    assertThat(a.names()).isEmpty();
    assertThat(a.content()).isEqualTo(text).isEqualTo(ToolCallParser.parse(text).content());
    assertThat(a.complete()).isFalse();
  }

  @Test
  void anAnnouncedCallThatEndsMalformedIsNotComplete() {
    String text = "<tool_call>\n{\"name\": \"f\", \"arguments\": {\"x\": 1";
    Assembled a = stream(new ToolCallDeltas(Integer.MAX_VALUE, ""), text, 4);
    assertThat(a.names()).containsExactly("f");
    assertThat(a.arguments()).containsExactly("{\"x\":1");
    assertThat(a.complete()).isFalse();
    assertThat(a.content()).isEmpty();
  }

  @Test
  void missingAndStringArgumentsMatchThePlainAnswer() {
    for (String text :
        new String[] {
          "<tool_call>\n{\"name\": \"f\"}\n</tool_call>",
          "<tool_call>\n{\"name\": \"f\", \"arguments\": null}\n</tool_call>",
          "<tool_call>\n{\"name\": \"f\", \"arguments\": \"{\\\"x\\\": 1}\"}\n</tool_call>",
          "<tool_call>\n{\"arguments\": {\"x\": 1}, \"name\": \"f\"}</tool_call>"
        }) {
      String expected = ToolCallParser.parse(text).calls().getFirst().arguments();
      for (int chunk = 1; chunk <= text.length(); chunk++) {
        Assembled a = stream(new ToolCallDeltas(Integer.MAX_VALUE, ""), text, chunk);
        assertThat(a.arguments()).as(text).containsExactly(expected);
      }
    }
    assertThat(
            ToolCallParser.parse("<tool_call>\n{\"name\": \"f\"}").calls().getFirst().arguments())
        .isEqualTo("{}");
  }

  @Test
  void aForcedNamedOpeningIsAnnouncedBeforeAnythingIsGenerated() {
    ForcedToolCall forced =
        ForcedToolCall.of(
            ToolChoice.read(
                io.qwenops.inference.api.Json.MAPPER.valueToTree(
                    Map.of("type", "function", "function", Map.of("name", "get_time"))),
                io.qwenops.inference.api.Json.MAPPER.valueToTree(
                    List.of(Map.of("type", "function", "function", Map.of("name", "get_time"))))),
            List.of("get_time"));
    ToolCallDeltas deltas = new ToolCalling(true, forced).streamDeltas();
    List<ToolCallDeltas.Delta> first = deltas.accept("");
    assertThat(first).singleElement().isInstanceOf(ToolCallDeltas.CallStart.class);
    assertThat(((ToolCallDeltas.CallStart) first.getFirst()).name()).isEqualTo("get_time");
  }

  private static ToolCallDeltas.CallArguments args(int index, String fragment) {
    return new ToolCallDeltas.CallArguments(index, fragment);
  }
}
