package io.qwenops.inference.api.wire;

import com.fasterxml.jackson.databind.JsonNode;
import io.qwenops.inference.api.ApiException;
import io.qwenops.inference.api.chat.ToolChoice;
import java.util.Set;

/**
 * A validated {@code POST /v1/chat/completions} body.
 *
 * @param messages the raw {@code messages} array (each an object with a known role)
 * @param tools the raw {@code tools} array, or null
 * @param toolChoice how tools may be called (checked against {@code tools})
 * @param topLogprobs null unless {@code logprobs} is true
 */
public record ChatRequest(
    String model,
    JsonNode messages,
    JsonNode tools,
    ToolChoice toolChoice,
    boolean stream,
    boolean includeUsage,
    boolean addGenerationPrompt,
    Integer topLogprobs,
    SamplingOptions sampling) {

  private static final Set<String> ROLES = Set.of("system", "user", "assistant", "tool");

  public static ChatRequest read(JsonNode body, int vocabSize) {
    if (!body.isObject()) {
      throw ApiException.invalid("The request body must be a JSON object", null);
    }
    String model = Fields.string(body, "model");
    JsonNode messages = messages(body);
    JsonNode tools = tools(body);
    ToolChoice toolChoice = ToolChoice.read(Fields.field(body, "tool_choice"), tools);
    boolean stream = Fields.bool(body, "stream");
    JsonNode streamOptions = Fields.field(body, "stream_options");
    boolean includeUsage =
        streamOptions != null && Fields.bool(streamOptions, "include_usage") && stream;
    boolean logprobs = Fields.bool(body, "logprobs");
    Integer top = Fields.integer(body, "top_logprobs", 0, 20);
    if (top != null && !logprobs) {
      throw ApiException.invalid("'top_logprobs' needs 'logprobs': true", "top_logprobs");
    }
    rejectUnsupportedFormat(body);
    JsonNode agp = Fields.field(body, "add_generation_prompt");
    boolean addGenerationPrompt = agp == null || Fields.bool(body, "add_generation_prompt");
    return new ChatRequest(
        model,
        messages,
        tools == null || tools.isEmpty() ? null : tools,
        toolChoice,
        stream,
        includeUsage,
        addGenerationPrompt,
        logprobs ? (top == null ? 0 : top) : null,
        SamplingOptions.read(body, "max_completion_tokens", vocabSize));
  }

  /**
   * The body's {@code messages}, checked: a non-empty list of objects, each with a known role and a
   * string, a list of parts or null as content.
   *
   * @throws ApiException 400 naming {@code messages} otherwise
   */
  public static JsonNode messages(JsonNode body) {
    JsonNode messages = Fields.field(body, "messages");
    if (messages == null || !messages.isArray() || messages.isEmpty()) {
      throw ApiException.invalid("'messages' must be a non-empty list of messages", "messages");
    }
    for (int i = 0; i < messages.size(); i++) {
      JsonNode m = messages.get(i);
      String role = m.path("role").asText(null);
      if (!m.isObject() || role == null || !ROLES.contains(role)) {
        throw ApiException.invalid(
            "messages[" + i + "].role must be one of " + ROLES + ", got " + m.get("role"),
            "messages");
      }
      JsonNode content = m.get("content");
      if (content != null && !content.isNull() && !content.isTextual() && !content.isArray()) {
        throw ApiException.invalid(
            "messages[" + i + "].content must be a string or a list of parts", "messages");
      }
    }
    return messages;
  }

  /**
   * The body's {@code tools}, checked (a list of functions with names), or null when absent.
   *
   * @throws ApiException 400 naming {@code tools} otherwise
   */
  public static JsonNode tools(JsonNode body) {
    JsonNode tools = Fields.field(body, "tools");
    if (tools != null) {
      if (!tools.isArray()) {
        throw ApiException.invalid("'tools' must be a list", "tools");
      }
      for (JsonNode t : tools) {
        if (!t.path("function").path("name").isTextual()) {
          throw ApiException.invalid("each tool needs function.name", "tools");
        }
      }
    }
    return tools;
  }

  /**
   * Whether the reply is scanned for {@code <tool_call>} blocks: tools given and {@code
   * tool_choice} is not "none".
   */
  public boolean parseToolCalls() {
    return tools != null && toolChoice.mode() != ToolChoice.Mode.NONE;
  }

  static void rejectUnsupportedFormat(JsonNode body) {
    JsonNode format = Fields.field(body, "response_format");
    if (format != null && !"text".equals(format.path("type").asText())) {
      throw ApiException.invalid(
          "response_format " + format.path("type") + " is not supported; only 'text' is",
          "response_format");
    }
  }
}
