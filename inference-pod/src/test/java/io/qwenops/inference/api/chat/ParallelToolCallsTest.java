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
      ToolCallStreamFilter filter = new ToolCalling(true, null, parallel).streamFilter();
      StringBuilder streamed = new StringBuilder();
      for (int i = 0; i < TWO_CALLS.length(); i += 7) {
        streamed.append(filter.accept(TWO_CALLS.substring(i, Math.min(TWO_CALLS.length(), i + 7))));
      }
      ToolCallParser.Parsed end = filter.finish();
      assertThat(streamed.toString() + end.content()).isEqualTo("Checking.\n");
      assertThat(end.calls()).hasSize(parallel ? 2 : 1);
      assertThat(end.calls().get(0).arguments()).isEqualTo("{\"city\":\"Paris\"}");
    }
  }
}
