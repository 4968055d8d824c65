package io.qwenops.inference.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A finished OpenAI stream as a client reads it: {@code data: {chunk}} frames (comment frames
 * skipped) ending in {@code data: [DONE]}.
 */
record SseStream(List<JsonNode> chunks, boolean done) {

  static SseStream parse(String body) throws IOException {
    List<JsonNode> chunks = new ArrayList<>();
    boolean done = false;
    for (String frame : body.split("\n\n", -1)) {
      if (frame.isBlank() || frame.startsWith(":")) {
        continue;
      }
      if (!frame.startsWith("data: ")) {
        throw new AssertionError("not an SSE data frame: '" + Outcomes.excerpt(frame) + "'");
      }
      if (done) {
        throw new AssertionError("a frame after [DONE]: " + Outcomes.excerpt(frame));
      }
      String data = frame.substring("data: ".length());
      if (data.equals("[DONE]")) {
        done = true;
      } else {
        chunks.add(RequestShapes.JSON.readTree(data));
      }
    }
    return new SseStream(chunks, done);
  }

  /**
   * Well-formed: ends with [DONE], no error chunk, and every choice index that appears gets exactly
   * one finish_reason.
   *
   * @return the finish reason of each choice index
   */
  Map<Integer, String> check() {
    if (!done) {
      throw new AssertionError("the stream does not end with [DONE]");
    }
    Map<Integer, String> finished = new TreeMap<>();
    Map<Integer, Integer> seen = new TreeMap<>();
    for (JsonNode chunk : chunks) {
      if (chunk.has("error")) {
        throw new AssertionError("an error chunk: " + chunk);
      }
      for (JsonNode choice : chunk.path("choices")) {
        int index = choice.path("index").asInt(-1);
        seen.merge(index, 1, Integer::sum);
        JsonNode reason = choice.get("finish_reason");
        if (reason != null && !reason.isNull()) {
          if (finished.put(index, reason.asText()) != null) {
            throw new AssertionError("choice " + index + " finished twice");
          }
        }
      }
    }
    if (!finished.keySet().equals(seen.keySet())) {
      throw new AssertionError("choices " + seen.keySet() + " but finished " + finished);
    }
    return finished;
  }
}
