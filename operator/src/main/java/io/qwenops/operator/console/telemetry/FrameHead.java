package io.qwenops.operator.console.telemetry;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.qwenops.operator.console.http.Json;
import java.io.IOException;

/**
 * The two top-level fields the gateway routes an exporter frame by, read with a streaming parser
 * that skips everything else: a {@code sample} (about 1 KB per GPU) costs a scan, not a tree.
 *
 * @param timeMs the frame's {@code timeMs}, or -1 without one
 */
record FrameHead(String type, long timeMs) {

  /** Throws on text that is not one JSON object. */
  static FrameHead of(String text) throws IOException {
    String type = "";
    long timeMs = -1;
    try (JsonParser parser = Json.MAPPER.getFactory().createParser(text)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("not a JSON object");
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken value = parser.nextToken();
        if ("type".equals(field) && value == JsonToken.VALUE_STRING) {
          type = parser.getText();
        } else if ("timeMs".equals(field) && value == JsonToken.VALUE_NUMBER_INT) {
          timeMs = parser.getLongValue();
        } else {
          parser.skipChildren();
        }
        if (!type.isEmpty() && timeMs >= 0) {
          break; // the exporter writes both first; the rest is passed on verbatim
        }
      }
    }
    return new FrameHead(type, timeMs);
  }
}
