package io.qwenops.inference.api.chat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Reads Qwen2.5's (Hermes-style) tool calls out of generated text: each call is {@code
 * <tool_call>\n{"name": ..., "arguments": {...}}\n</tool_call>}. Text before the first call is the
 * message content. If any call is not valid JSON the whole text stays plain content, as vLLM's
 * hermes parser does, so the client still sees what the model wrote.
 */
public final class ToolCallParser {

  public static final String OPEN = "<tool_call>";
  public static final String CLOSE = "</tool_call>";

  /** Duplicate keys are malformed: the streamed arguments could not say which one counts. */
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  /** Content (null when empty) and the calls found (empty when none). */
  public record Parsed(String content, List<ToolCall> calls) {}

  private ToolCallParser() {}

  public static Parsed parse(String text) {
    return parse(text, Integer.MAX_VALUE);
  }

  /**
   * As above, keeping the first {@code maxCalls} calls ({@code parallel_tool_calls: false} keeps
   * one, as vLLM does); the rest are still checked, so a malformed later call leaves it all text.
   */
  public static Parsed parse(String text, int maxCalls) {
    int first = text.indexOf(OPEN);
    if (first < 0) {
      return new Parsed(text, List.of());
    }
    List<ToolCall> calls = new ArrayList<>();
    int at = first;
    while (at >= 0) {
      int bodyStart = at + OPEN.length();
      int end = text.indexOf(CLOSE, bodyStart);
      String body = end < 0 ? text.substring(bodyStart) : text.substring(bodyStart, end);
      ToolCall call = readCall(body);
      if (call == null) {
        return new Parsed(text, List.of());
      }
      calls.add(call);
      at = end < 0 ? -1 : text.indexOf(OPEN, end + CLOSE.length());
    }
    String content = text.substring(0, first).strip();
    return new Parsed(
        content.isEmpty() ? null : content,
        List.copyOf(calls.subList(0, Math.min(maxCalls, calls.size()))));
  }

  /**
   * One block's call, or null when its body is not a JSON object with a string name. The arguments
   * are the text the model wrote less the whitespace outside strings ({@link ToolCallBody}), so a
   * stream's argument deltas add up to exactly this.
   */
  static ToolCall readCall(String body) {
    try {
      JsonNode json = JSON.readTree(body.strip());
      if (json == null || !json.isObject() || !json.path("name").isTextual()) {
        return null;
      }
      ToolCallBody scanned = new ToolCallBody();
      scanned.feed(body);
      return new ToolCall(newId(), json.get("name").asText(), scanned.arguments());
    } catch (Exception e) {
      return null;
    }
  }

  static String newId() {
    return "call_" + UUID.randomUUID().toString().replace("-", "").substring(0, 24);
  }
}
