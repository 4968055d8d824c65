package io.qwenops.inference.api.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qwenops.inference.api.ApiException;
import io.qwenops.inference.api.Json;
import java.util.List;
import java.util.Set;

/**
 * A {@code POST /v1/responses} body translated into the chat request the rest of the server already
 * checks and runs: {@code instructions} and {@code input} (a string or message, {@code
 * function_call} and {@code function_call_output} items) become {@code messages}, function {@code
 * tools} and {@code tool_choice} take the chat shapes, {@code max_output_tokens} becomes {@code
 * max_completion_tokens}. What the Responses API asks for and this server cannot do (stored
 * conversations, background runs, built-in tools, reasoning) is a 400 naming the field.
 */
final class ResponsesRequest {

  /** Copied to the chat body as they are (chat's own checks apply). */
  private static final List<String> SAMPLING =
      List.of("temperature", "top_p", "model", "stream", "seed"); // seed: an extra, as on chat

  private static final Set<String> ROLES = Set.of("user", "assistant", "system", "developer");

  private ResponsesRequest() {}

  /**
   * @return the equivalent chat completions body
   * @throws ApiException 400 naming the field that is malformed or cannot be honoured
   */
  static ObjectNode toChat(JsonNode body) {
    if (!body.isObject()) {
      throw ApiException.invalid("The request body must be a JSON object", null);
    }
    Unsupported.reject(body);
    ObjectNode chat = Json.MAPPER.createObjectNode();
    for (String f : SAMPLING) {
      if (body.has(f) && !body.get(f).isNull()) {
        chat.set(f, body.get(f));
      }
    }
    if (body.hasNonNull("max_output_tokens")) {
      chat.set("max_completion_tokens", body.get("max_output_tokens"));
    }
    if (body.hasNonNull("parallel_tool_calls")) {
      chat.set("parallel_tool_calls", body.get("parallel_tool_calls"));
    }
    chat.set("messages", messages(body));
    if (body.hasNonNull("tools")) {
      chat.set("tools", tools(body.get("tools")));
    }
    if (body.hasNonNull("tool_choice")) {
      chat.set("tool_choice", toolChoice(body.get("tool_choice")));
    }
    return chat;
  }

  private static ArrayNode messages(JsonNode body) {
    ArrayNode out = Json.MAPPER.createArrayNode();
    JsonNode instructions = body.get("instructions");
    if (instructions != null && !instructions.isNull()) {
      if (!instructions.isTextual()) {
        throw ApiException.invalid("'instructions' must be a string", "instructions");
      }
      out.addObject().put("role", "system").put("content", instructions.asText());
    }
    JsonNode input = body.get("input");
    if (input == null || input.isNull()) {
      throw ApiException.invalid("'input' is required: a string or a list of items", "input");
    }
    if (input.isTextual()) {
      out.addObject().put("role", "user").put("content", input.asText());
      return out;
    }
    if (!input.isArray() || input.isEmpty()) {
      throw ApiException.invalid("'input' must be a string or a non-empty list of items", "input");
    }
    for (int i = 0; i < input.size(); i++) {
      item(input.get(i), "input[" + i + "]", out);
    }
    return out;
  }

  private static void item(JsonNode item, String where, ArrayNode out) {
    String type = item.path("type").asText("message");
    switch (type) {
      case "message" -> {
        String role = item.path("role").asText("");
        if (!ROLES.contains(role)) {
          throw ApiException.invalid(where + ".role must be one of " + ROLES, "input");
        }
        out.addObject()
            .put("role", role.equals("developer") ? "system" : role)
            .put("content", text(item.get("content"), where));
      }
      case "function_call" -> {
        ObjectNode call = Json.MAPPER.createObjectNode();
        call.put("id", required(item, "call_id", where))
            .put("type", "function")
            .putObject("function")
            .put("name", required(item, "name", where))
            .put("arguments", required(item, "arguments", where));
        JsonNode last = out.isEmpty() ? null : out.get(out.size() - 1);
        if (last != null && last.has("tool_calls") && last.path("content").isNull()) {
          ((ArrayNode) last.get("tool_calls")).add(call); // parallel calls: one assistant turn
        } else {
          ObjectNode m = out.addObject().put("role", "assistant");
          m.putNull("content");
          m.putArray("tool_calls").add(call);
        }
      }
      case "function_call_output" ->
          out.addObject()
              .put("role", "tool")
              .put("tool_call_id", required(item, "call_id", where))
              .put("content", required(item, "output", where));
      default ->
          throw ApiException.invalid(
              where
                  + " is a '"
                  + type
                  + "' item; only message, function_call and function_call_output items are"
                  + " supported",
              "input");
    }
  }

  /** A message's content: a string, or text parts (input_text, output_text) joined. */
  private static String text(JsonNode content, String where) {
    if (content != null && content.isTextual()) {
      return content.asText();
    }
    if (content == null || !content.isArray()) {
      throw ApiException.invalid(where + ".content must be a string or a list of parts", "input");
    }
    StringBuilder text = new StringBuilder();
    for (int j = 0; j < content.size(); j++) {
      JsonNode part = content.get(j);
      String type = part.path("type").asText("");
      if (!type.equals("input_text") && !type.equals("output_text")) {
        throw ApiException.invalid(
            where
                + ".content["
                + j
                + "] is a '"
                + type
                + "' part; this model is text-only and reads only input_text and output_text"
                + " parts",
            "input");
      }
      text.append(required(part, "text", where + ".content[" + j + "]"));
    }
    return text.toString();
  }

  /** Function tools ({@code {type, name, description, parameters, strict}}) in the chat shape. */
  private static ArrayNode tools(JsonNode tools) {
    if (!tools.isArray()) {
      throw ApiException.invalid("'tools' must be a list", "tools");
    }
    ArrayNode out = Json.MAPPER.createArrayNode();
    for (int i = 0; i < tools.size(); i++) {
      JsonNode t = tools.get(i);
      String type = t.path("type").asText("");
      if (!type.equals("function")) {
        throw ApiException.invalid(
            "tools[" + i + "] is a '" + type + "' tool; only function tools are supported",
            "tools");
      }
      ObjectNode function = out.addObject().put("type", "function").putObject("function");
      function.set("name", t.get("name"));
      if (t.has("description")) {
        function.set("description", t.get("description"));
      }
      for (String field : List.of("parameters", "strict")) { // strict: as chat treats it
        if (t.hasNonNull(field)) {
          function.set(field, t.get(field));
        }
      }
    }
    return out;
  }

  private static JsonNode toolChoice(JsonNode choice) {
    if (choice.isTextual()) {
      return choice;
    }
    if ("function".equals(choice.path("type").asText()) && choice.path("name").isTextual()) {
      ObjectNode out = Json.MAPPER.createObjectNode().put("type", "function");
      out.putObject("function").put("name", choice.get("name").asText());
      return out;
    }
    throw ApiException.invalid(
        "'tool_choice' must be \"none\", \"auto\", \"required\" or {\"type\": \"function\","
            + " \"name\": ...}, got "
            + choice,
        "tool_choice");
  }

  private static String required(JsonNode node, String field, String where) {
    JsonNode v = node.get(field);
    if (v == null || !v.isTextual()) {
      throw ApiException.invalid(where + "." + field + " must be a string", "input");
    }
    return v.asText();
  }
}
