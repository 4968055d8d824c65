package io.qwenops.inference.api.chat;

import com.fasterxml.jackson.databind.JsonNode;
import io.qwenops.inference.api.ApiException;
import java.util.ArrayList;
import java.util.List;

/**
 * A request's {@code tool_choice}: {@code "none"} (tools are shown but no call is read), {@code
 * "auto"} (the model decides; the default when tools are given), {@code "required"} (the reply is
 * one call to one of the tools) or {@code {"type": "function", "function": {"name": ...}}} (the
 * reply is a call to that function).
 *
 * @param function the named function, for {@link Mode#NAMED}
 */
public record ToolChoice(Mode mode, String function) {

  public enum Mode {
    NONE,
    AUTO,
    REQUIRED,
    NAMED
  }

  /** Whether the reply must be a tool call (guided decoding). */
  public boolean forced() {
    return mode == Mode.REQUIRED || mode == Mode.NAMED;
  }

  /**
   * Reads and checks {@code tool_choice} against the request's {@code tools} (null when absent).
   *
   * @throws ApiException 400 with {@code param: "tool_choice"} for an unknown value, a forced
   *     choice without tools, or a function that is not among them
   */
  public static ToolChoice read(JsonNode choice, JsonNode tools) {
    ToolChoice parsed = parse(choice);
    boolean haveTools = tools != null && !tools.isEmpty();
    if (parsed.forced() && !haveTools) {
      throw ApiException.invalid(
          "tool_choice " + choice + " needs 'tools' listing the functions to call", "tool_choice");
    }
    if (parsed.mode == Mode.NAMED && !names(tools).contains(parsed.function)) {
      throw ApiException.invalid(
          "tool_choice names function '"
              + parsed.function
              + "', which is not in 'tools' "
              + names(tools),
          "tool_choice");
    }
    return parsed;
  }

  private static ToolChoice parse(JsonNode choice) {
    if (choice == null || choice.isNull()) {
      return new ToolChoice(Mode.AUTO, null);
    }
    if (choice.isTextual()) {
      return switch (choice.asText()) {
        case "none" -> new ToolChoice(Mode.NONE, null);
        case "auto" -> new ToolChoice(Mode.AUTO, null);
        case "required" -> new ToolChoice(Mode.REQUIRED, null);
        default -> throw invalidValue(choice);
      };
    }
    JsonNode name = choice.path("function").path("name");
    if (choice.isObject() && "function".equals(choice.path("type").asText()) && name.isTextual()) {
      return new ToolChoice(Mode.NAMED, name.asText());
    }
    throw invalidValue(choice);
  }

  private static ApiException invalidValue(JsonNode choice) {
    return ApiException.invalid(
        "tool_choice must be \"none\", \"auto\", \"required\" or "
            + "{\"type\": \"function\", \"function\": {\"name\": ...}}, got "
            + choice,
        "tool_choice");
  }

  /** The function names declared in {@code tools}, in order. */
  public static List<String> names(JsonNode tools) {
    List<String> out = new ArrayList<>();
    if (tools != null) {
      for (JsonNode t : tools) {
        out.add(t.path("function").path("name").asText());
      }
    }
    return out;
  }
}
