package io.qwenops.exporter.server;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Writes JSON bodies with the right content type; errors as {@code {"error": "..."}}. */
final class JsonResponses {

  private JsonResponses() {}

  static void send(ServerResponse res, Status status, Object body) {
    res.status(status);
    res.header(HeaderNames.CONTENT_TYPE, "application/json");
    res.header(HeaderNames.CACHE_CONTROL, "no-store");
    res.send(Frames.json(body).getBytes(StandardCharsets.UTF_8));
  }

  static void error(ServerResponse res, Status status, String message) {
    send(res, status, Map.of("error", message));
  }
}
