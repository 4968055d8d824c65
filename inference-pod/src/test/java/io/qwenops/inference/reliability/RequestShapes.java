package io.qwenops.inference.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A valid body for each POST route that uses every field the route reads, and the JSON paths of
 * those fields: the hostile bodies are these with one field spoiled at a time.
 */
final class RequestShapes {

  static final ObjectMapper JSON = new ObjectMapper();

  static final String CHAT = "/v1/chat/completions";
  static final String COMPLETIONS = "/v1/completions";
  static final String TOKENIZE = "/tokenize";
  static final String DETOKENIZE = "/detokenize";

  private static final String TOOLS =
      "[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"description\":\"Weather\","
          + "\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},"
          + "\"required\":[\"city\"]}}}]";

  private static final String MESSAGES =
      "[{\"role\":\"system\",\"content\":\"Be brief.\"},"
          + "{\"role\":\"user\",\"content\":\"Weather in Paris?\",\"name\":\"ann\"},"
          + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"c1\","
          + "\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
          + "\"arguments\":\"{\\\"city\\\": \\\"Paris\\\"}\"}}]},"
          + "{\"role\":\"tool\",\"tool_call_id\":\"c1\",\"content\":\"sunny\"},"
          + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"And tomorrow?\"}]}]";

  private static final String SAMPLING =
      "\"temperature\":0,\"top_p\":0.9,\"top_k\":5,\"min_p\":0.0,\"seed\":7,\"n\":1,"
          + "\"stop\":[\"\\n\\n\"],\"stop_token_ids\":[151645],\"presence_penalty\":0,"
          + "\"frequency_penalty\":0,\"repetition_penalty\":1.0,\"ignore_eos\":false,"
          + "\"stream\":false,\"stream_options\":{\"include_usage\":true},"
          + "\"response_format\":{\"type\":\"text\"}";

  private RequestShapes() {}

  /** The valid bodies of each POST route, spoiled one field at a time. */
  static List<Route> routes() {
    return List.of(
        new Route(
            CHAT,
            List.of(
                parse(
                    "{\"model\":\"qwen-tiny\",\"messages\":"
                        + MESSAGES
                        + ",\"tool_choice\":\"none\",\"max_tokens\":4,"
                        + "\"max_completion_tokens\":4,\"logprobs\":true,\"top_logprobs\":2,"
                        + "\"add_generation_prompt\":true,"
                        + SAMPLING
                        + "}"),
                parse(
                    "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"tools\":"
                        + TOOLS
                        + ",\"tool_choice\":{\"type\":\"function\",\"function\":"
                        + "{\"name\":\"get_weather\"}},\"max_tokens\":6,\"temperature\":0}"))),
        new Route(
            COMPLETIONS,
            List.of(
                parse(
                    "{\"model\":\"qwen-tiny\",\"prompt\":\"Once upon a time\",\"max_tokens\":4,"
                        + "\"logprobs\":2,\"echo\":true,\"return_tokens_as_token_ids\":false,"
                        + SAMPLING
                        + "}"),
                parse(
                    "{\"prompt\":[[9707,11,1879],\"Hello\"],\"max_tokens\":3,\"temperature\":0,"
                        + "\"n\":2,\"stream\":true}"))),
        new Route(
            TOKENIZE,
            List.of(
                parse("{\"model\":\"qwen-tiny\",\"prompt\":\"Hello, world\"}"),
                parse(
                    "{\"model\":\"qwen-tiny\",\"messages\":"
                        + MESSAGES
                        + ",\"tools\":"
                        + TOOLS
                        + ",\"add_generation_prompt\":true}"))),
        new Route(
            DETOKENIZE, List.of(parse("{\"model\":\"qwen-tiny\",\"tokens\":[9707,11,1879,0]}"))));
  }

  /** A POST route and the valid bodies its hostile variants start from. */
  record Route(String path, List<JsonNode> valid) {
    String name() {
      return "POST " + path;
    }
  }

  /** Every field of a body, nested ones included, as a path of keys and indices. */
  static List<List<Object>> paths(JsonNode node) {
    List<List<Object>> out = new ArrayList<>();
    walk(node, new ArrayList<>(), out);
    return out;
  }

  private static void walk(JsonNode node, List<Object> at, List<List<Object>> out) {
    if (node.isObject()) {
      for (var it = node.fieldNames(); it.hasNext(); ) {
        String name = it.next();
        List<Object> child = new ArrayList<>(at);
        child.add(name);
        out.add(child);
        walk(node.get(name), child, out);
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        List<Object> child = new ArrayList<>(at);
        child.add(i);
        out.add(child);
        walk(node.get(i), child, out);
      }
    }
  }

  static JsonNode get(JsonNode root, List<Object> path) {
    JsonNode n = root;
    for (Object step : path) {
      n = step instanceof String key ? n.get(key) : n.get((Integer) step);
    }
    return n;
  }

  /** A copy of {@code root} with the field at {@code path} replaced. */
  static JsonNode with(JsonNode root, List<Object> path, JsonNode value) {
    JsonNode copy = root.deepCopy();
    JsonNode parent = get(copy, path.subList(0, path.size() - 1));
    Object last = path.getLast();
    if (last instanceof String key) {
      ((ObjectNode) parent).set(key, value);
    } else {
      ((ArrayNode) parent).set((Integer) last, value);
    }
    return copy;
  }

  static String describe(List<Object> path) {
    StringBuilder s = new StringBuilder();
    for (Object step : path) {
      if (step instanceof String key) {
        s.append(s.isEmpty() ? "" : ".").append(key);
      } else {
        s.append('[').append(step).append(']');
      }
    }
    return s.toString();
  }

  static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] bytes(JsonNode node) {
    try {
      return JSON.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
