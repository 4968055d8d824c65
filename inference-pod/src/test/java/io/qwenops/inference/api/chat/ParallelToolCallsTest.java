package io.qwenops.inference.api.chat;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * {@code parallel_tool_calls: false}: a reply with two calls returns only its first, in the plain
 * answer and at the end of a stream alike (as vLLM); true or absent returns every call in order.
 */
class ParallelToolCallsTest {

  static final String TWO_CALLS =
      "Checking.\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n"
          + "</tool_call>\n<tool_call>\n{\"name\": \"get_time\", \"arguments\": {}}\n</tool_call>";

  @Test
  void falseKeepsTheFirstCallOfAPlainReply() {
    ToolCallParser.Parsed one = new ToolCalling(true, null, false).parse(TWO_CALLS);
    assertThat(one.content()).isEqualTo("Checking.");
    assertThat(one.calls()).singleElement().extracting(ToolCall::name).isEqualTo("get_weather");
    ToolCallParser.Parsed all = new ToolCalling(true, null, true).parse(TWO_CALLS);
    assertThat(all.calls()).extracting(ToolCall::name).containsExactly("get_weather", "get_time");
  }

  @Test
  void falseKeepsTheFirstCallOfAStream() {
    for (boolean parallel : new boolean[] {false, true}) {
      ToolCallDeltas deltas = new ToolCalling(true, null, parallel).streamDeltas();
      ToolCallDeltasTest.Assembled a = ToolCallDeltasTest.stream(deltas, TWO_CALLS, 7);
      assertThat(a.content()).isEqualTo("Checking.\n");
      assertThat(a.names()).hasSize(parallel ? 2 : 1);
      assertThat(a.arguments().getFirst()).isEqualTo("{\"city\":\"Paris\"}");
    }
  }
}
