package io.qwenops.inference.api.chat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns OpenAI request messages into what chat templates expect, as vLLM does: text parts joined
 * into one string, a null content as empty text, and tool-call {@code arguments} strings parsed
 * into objects (templates print them with {@code tojson}). Key order is kept.
 */
public final class ChatMessages {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {};

  private ChatMessages() {}

  /** Messages must already be validated (an array of objects with a role). */
  public static List<Map<String, Object>> forTemplate(JsonNode messages) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (JsonNode message : messages) {
      Map<String, Object> m = JSON.convertValue(message, MAP);
      m.put("content", contentText(message.get("content")));
      if (m.get("tool_calls") instanceof List<?> calls) {
        for (Object call : calls) {
          if (call instanceof Map<?, ?> c && c.get("function") instanceof Map<?, ?> f) {
            @SuppressWarnings("unchecked")
            Map<String, Object> function = (Map<String, Object>) f;
            if (function.get("arguments") instanceof String args) {
              function.put("arguments", parseOrKeep(args));
            }
          }
        }
      }
      out.add(m);
    }
    return out;
  }

  /** The request's {@code tools} as plain maps, or null. */
  public static List<Object> tools(JsonNode tools) {
    if (tools == null || tools.isNull() || tools.isEmpty()) {
      return null;
    }
    return JSON.convertValue(tools, new TypeReference<List<Object>>() {});
  }

  /** A string, or the text parts of a content array joined by newlines; null becomes "". */
  public static String contentText(JsonNode content) {
    if (content == null || content.isNull()) {
      return "";
    }
    if (content.isTextual()) {
      return content.asText();
    }
    List<String> parts = new ArrayList<>();
    for (JsonNode part : content) {
      if ("text".equals(part.path("type").asText()) && part.path("text").isTextual()) {
        parts.add(part.get("text").asText());
      }
    }
    return String.join("\n", parts);
  }

  private static Object parseOrKeep(String args) {
    try {
      JsonNode node = JSON.readTree(args);
      return node == null ? args : JSON.convertValue(node, Object.class);
    } catch (JsonProcessingException e) {
      return args;
    }
  }
}
