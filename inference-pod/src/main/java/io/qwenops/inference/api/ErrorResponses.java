package io.qwenops.inference.api;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import java.util.LinkedHashMap;
import java.util.Map;

/** Writes OpenAI's error body. */
public final class ErrorResponses {

  private ErrorResponses() {}

  public static void send(ServerResponse res, ApiException e) {
    if (res.isSent()) {
      return;
    }
    res.status(Status.create(e.status()));
    if (e.retryAfterSeconds() != null) {
      res.header(HeaderNames.RETRY_AFTER, String.valueOf(e.retryAfterSeconds()));
    }
    res.header(HeaderNames.CONTENT_TYPE, "application/json");
    res.send(Json.bytes(body(e)));
  }

  public static Map<String, Object> body(ApiException e) {
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("message", e.getMessage());
    error.put("type", e.type());
    error.put("param", e.param());
    error.put("code", e.code());
    return Map.of("error", error);
  }
}
