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
 * @param parallelToolCalls false: a reply's first tool call only ({@code parallel_tool_calls})
 * @param structuredOutput what the reply must be (response_format, guided_json, ...), or null
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
    SamplingOptions sampling,
    boolean parallelToolCalls,
    StructuredOutput structuredOutput) {

  private static final Set<String> ROLES = Set.of("system", "user", "assistant", "tool");

  public static ChatRequest read(JsonNode body, int vocabSize) {
    return read(body, vocabSize, RequestLimits.defaults());
  }

  /**
   * @throws ApiException 400 for a malformed field or more than {@code limits} allow
   */
  public static ChatRequest read(JsonNode body, int vocabSize, RequestLimits limits) {
    if (!body.isObject()) {
      throw ApiException.invalid("The request body must be a JSON object", null);
    }
    String model = Fields.string(body, "model");
    JsonNode messages = checkMessages(Fields.field(body, "messages"));
    JsonNode tools = checkTools(Fields.field(body, "tools"));
    Integer n = Fields.integer(body, "n", 1, SamplingOptions.MAX_N);
    limits.checkChoices(1, n == null ? 1 : n);
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
    StructuredOutput structured = StructuredOutput.read(body);
    if (structured != null && toolChoice.forced()) {
      throw ApiException.invalid(
          "structured outputs cannot be combined with a forced tool_choice", "tool_choice");
    }
    UnhonouredFields.rejectChat(body);
    JsonNode parallel = Fields.field(body, "parallel_tool_calls");
    boolean parallelToolCalls = parallel == null || Fields.bool(body, "parallel_tool_calls");
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
        SamplingOptions.read(body, "max_completion_tokens", vocabSize),
        parallelToolCalls,
        structured);
  }

  /**
   * Checks a {@code messages} array as every route that renders the chat template needs it: a
   * non-empty list of objects with a known role and a string, null or list content.
   *
   * @return {@code messages}
   */
  public static JsonNode checkMessages(JsonNode messages) {
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
      if (content != null && content.isArray()) {
        checkTextParts(content, i);
      }
    }
    return messages;
  }

  /**
   * Only text parts: this model reads no images, audio or files, and dropping such a part would let
   * the user believe it saw it (vLLM refuses them for a text-only model too).
   */
  private static void checkTextParts(JsonNode parts, int message) {
    for (int j = 0; j < parts.size(); j++) {
      JsonNode part = parts.get(j);
      String where = "messages[" + message + "].content[" + j + "]";
      String type = part.path("type").asText("");
      if (!"text".equals(type)) {
        throw ApiException.invalid(
            where
                + " is a '"
                + type
                + "' part; this model is text-only and reads only 'text' parts",
            "messages");
      }
      if (!part.path("text").isTextual()) {
        throw ApiException.invalid(where + ".text must be a string", "messages");
      }
    }
  }

  /**
   * Checks {@code tools} (null when absent): a list of at most {@value RequestLimits#MAX_TOOLS}
   * tools, each with a {@code function.name} of at most {@value RequestLimits#MAX_TOOL_NAME_LENGTH}
   * characters, {@value RequestLimits#MAX_TOOLS_JSON_CHARS} characters of JSON in all. Guided
   * decoding checks names per candidate token and the template prints every schema, so both are
   * bounded.
   *
   * @return {@code tools}
   */
  public static JsonNode checkTools(JsonNode tools) {
    if (tools == null || tools.isNull()) {
      return null;
    }
    if (!tools.isArray()) {
      throw ApiException.invalid("'tools' must be a list", "tools");
    }
    Fields.checkSize(tools, "tools", RequestLimits.MAX_TOOLS);
    for (JsonNode t : tools) {
      JsonNode name = t.path("function").path("name");
      if (!name.isTextual()) {
        throw ApiException.invalid("each tool needs function.name", "tools");
      }
      if (name.asText().isEmpty() || name.asText().length() > RequestLimits.MAX_TOOL_NAME_LENGTH) {
        throw ApiException.invalid(
            "a tool's function.name must be 1 to "
                + RequestLimits.MAX_TOOL_NAME_LENGTH
                + " characters, got "
                + name.asText().length(),
            "tools");
      }
    }
    int chars = tools.toString().length();
    if (chars > RequestLimits.MAX_TOOLS_JSON_CHARS) {
      throw ApiException.invalid(
          "'tools' is "
              + chars
              + " characters of JSON; at most "
              + RequestLimits.MAX_TOOLS_JSON_CHARS
              + " are allowed",
          "tools");
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
}
