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
  void argumentsAreTheModelsTextLessWhitespaceOutsideStrings() {
    ToolCallParser.Parsed parsed =
        ToolCallParser.parse(
            "<tool_call>\n{\"name\": \"f\", \"arguments\": {\"q\": \"a  b\", \"n\": 1.50}}\n</tool_call>");
    assertThat(parsed.calls().getFirst().arguments()).isEqualTo("{\"q\":\"a  b\",\"n\":1.50}");
  }

  @Test
  void duplicateKeysAreMalformed() {
    String text =
        "<tool_call>\n{\"name\": \"f\", \"arguments\": {}, \"arguments\": {}}</tool_call>";
    assertThat(ToolCallParser.parse(text).calls()).isEmpty();
  }
}
