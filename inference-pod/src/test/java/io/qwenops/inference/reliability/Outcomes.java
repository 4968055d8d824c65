package io.qwenops.inference.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Judges replies to hostile requests and counts them. A reply passes when it is a 2xx whose body
 * parses as what its content type says, or a 4xx carrying OpenAI's error object; never a 5xx, never
 * a hang. An attack that names its one correct status must get exactly that.
 */
final class Outcomes {

  private final Map<String, Map<String, Integer>> byRoute = new TreeMap<>();
  private final Map<String, Map<String, Integer>> byKind = new TreeMap<>();
  private final List<String> failures = new ArrayList<>();
  private final java.util.TreeMap<Long, String> slowest = new java.util.TreeMap<>();

  synchronized void record(Attack attack, String outcome, String failure, long micros) {
    slowest.put(micros * 10_000 + slowest.size() % 10_000, outcome + " " + attack);
    if (slowest.size() > 8) {
      slowest.pollFirstEntry();
    }
    byRoute.computeIfAbsent(attack.route(), k -> new TreeMap<>()).merge(outcome, 1, Integer::sum);
    byKind.computeIfAbsent(attack.kind(), k -> new TreeMap<>()).merge(outcome, 1, Integer::sum);
    if (failure != null) {
      failures.add(attack + ": " + failure);
    }
  }

  synchronized List<String> failures() {
    return List.copyOf(failures);
  }

  /** Why the reply is wrong, or null when it is right. */
  static String judge(Attack attack, RawHttp.Reply reply) {
    int status = reply.status();
    if (status >= 500) {
      return "server error " + status + ": " + excerpt(reply.text());
    }
    if (attack.expectedStatus() != 0 && status != attack.expectedStatus()) {
      return "expected "
          + attack.expectedStatus()
          + ", got "
          + status
          + ": "
          + excerpt(reply.text());
    }
    if (status >= 400 && status < 500) {
      return errorShape(reply);
    }
    if (status < 200 || status >= 300) {
      return "unexpected status " + status;
    }
    String type = reply.headers().getOrDefault("content-type", "");
    try {
      if (type.startsWith("application/json")) {
        RequestShapes.JSON.readTree(reply.body());
      } else if (type.startsWith("text/event-stream")) {
        SseStream.parse(reply.text()).check();
      }
    } catch (IOException | AssertionError e) {
      return "a 2xx whose body is malformed: " + e.getMessage();
    }
    return null;
  }

  /** OpenAI's {@code {"error": {"message", "type", "param", "code"}}}, as JSON. */
  static String errorShape(RawHttp.Reply reply) {
    if (!reply.headers().getOrDefault("content-type", "").startsWith("application/json")) {
      return "a " + reply.status() + " that is not JSON: " + reply.headers();
    }
    JsonNode error;
    try {
      error = RequestShapes.JSON.readTree(reply.body()).path("error");
    } catch (IOException e) {
      return "a " + reply.status() + " whose body does not parse: " + excerpt(reply.text());
    }
    if (!error.path("message").isTextual() || error.path("message").asText().isBlank()) {
      return "an error without a message: " + excerpt(reply.text());
    }
    if (!error.path("type").isTextual()) {
      return "an error without a type: " + excerpt(reply.text());
    }
    for (String key : List.of("param", "code")) {
      if (!error.has(key) || !(error.get(key).isNull() || error.get(key).isTextual())) {
        return "an error without '" + key + "' (null or a string): " + excerpt(reply.text());
      }
    }
    return null;
  }

  /** Counts per route and per kind, one line each: "route 400=12 413=2". */
  synchronized String table() {
    StringBuilder s = new StringBuilder();
    s.append("Outcomes per route:\n");
    append(s, byRoute);
    s.append("Outcomes per kind of hostility:\n");
    append(s, byKind);
    s.append("Slowest:\n");
    slowest
        .descendingMap()
        .forEach((k, v) -> s.append(String.format("  %7d ms  %s%n", k / 10_000 / 1000, v)));
    return s.toString();
  }

  private static void append(StringBuilder s, Map<String, Map<String, Integer>> counts) {
    for (var row : counts.entrySet()) {
      int total = row.getValue().values().stream().mapToInt(Integer::intValue).sum();
      s.append(String.format("  %-28s %5d  %s%n", row.getKey(), total, row.getValue()));
    }
  }

  static String excerpt(String text) {
    return text.length() > 300 ? text.substring(0, 300) + "…" : text;
  }
}
