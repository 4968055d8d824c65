package io.qwenops.inference.api.chat;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ToolCallParserTest {

  @Test
  void readsQwenToolCallsIntoOpenAiCalls() {
    String text =
        "Let me check.\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>\n"
            + "<tool_call>\n{\"name\": \"get_time\", \"arguments\": {\"tz\": \"Europe/Paris\"}}\n</tool_call>";
    ToolCallParser.Parsed parsed = ToolCallParser.parse(text);
    assertThat(parsed.content()).isEqualTo("Let me check.");
    assertThat(parsed.calls()).hasSize(2);
    assertThat(parsed.calls().get(0).name()).isEqualTo("get_weather");
    assertThat(parsed.calls().get(0).arguments()).isEqualTo("{\"city\":\"Paris\"}");
    assertThat(parsed.calls().get(1).arguments()).isEqualTo("{\"tz\":\"Europe/Paris\"}");
    assertThat(parsed.calls().get(0).id()).startsWith("call_").hasSize(29);
  }

  @Test
  void onlyCallsMeansNullContent() {
    ToolCallParser.Parsed parsed =
        ToolCallParser.parse("<tool_call>\n{\"name\": \"f\", \"arguments\": {}}\n</tool_call>");
    assertThat(parsed.content()).isNull();
    assertThat(parsed.calls()).singleElement().extracting(ToolCall::arguments).isEqualTo("{}");
  }

  @Test
  void brokenJsonStaysPlainContent() {
    String text = "<tool_call>\n{\"name\": \"f\", \"arguments\": {\n</tool_call>";
    ToolCallParser.Parsed parsed = ToolCallParser.parse(text);
    assertThat(parsed.calls()).isEmpty();
    assertThat(parsed.content()).isEqualTo(text);
  }

  @Test
  void textWithoutCallsIsContent() {
    assertThat(ToolCallParser.parse("Hello <tool").content()).isEqualTo("Hello <tool");
  }

  @Test
  void streamFilterHoldsBackAPossibleTagAndKeepsTheCalls() {
    ToolCallStreamFilter filter = new ToolCallStreamFilter();
    StringBuilder shown = new StringBuilder();
    for (String delta :
        new String[] {
          "Sure",
          ". <",
          "tool",
          "_call>\n{\"name\": \"f\", ",
          "\"arguments\": {\"x\": 1}}\n</tool_call>"
        }) {
      shown.append(filter.accept(delta));
    }
    assertThat(shown.toString()).isEqualTo("Sure. ");
    ToolCallParser.Parsed parsed = filter.finish();
    assertThat(parsed.calls())
        .singleElement()
        .extracting(ToolCall::arguments)
        .isEqualTo("{\"x\":1}");
  }

  @Test
  void streamFilterReleasesTextThatIsNotATag() {
    ToolCallStreamFilter filter = new ToolCallStreamFilter();
    assertThat(filter.accept("a <to")).isEqualTo("a ");
    assertThat(filter.accept("p> b")).isEqualTo("<top> b");
    assertThat(filter.finish().calls()).isEmpty();
  }
}
