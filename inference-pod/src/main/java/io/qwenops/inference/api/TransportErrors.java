package io.qwenops.inference.api;

import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import io.helidon.webserver.http.DirectHandlers;

/**
 * Requests the server refuses before any route sees them (a query with a bad percent escape, a
 * request line that is too long, a malformed header) answer in OpenAI's error shape too, not with
 * Helidon's empty body.
 */
public final class TransportErrors implements DirectHandler {

  private TransportErrors() {}

  /** A handler for every kind of event Helidon answers directly. */
  public static DirectHandlers handlers() {
    DirectHandlers.Builder b = DirectHandlers.builder();
    for (EventType type : EventType.values()) {
      b.addHandler(type, new TransportErrors());
    }
    return b.build();
  }

  @Override
  public TransportResponse handle(
      TransportRequest request,
      EventType type,
      Status status,
      ServerResponseHeaders headers,
      String message) {
    boolean ours = status.code() >= 500;
    ApiException e =
        new ApiException(
            status.code(),
            ours ? "server_error" : "invalid_request_error",
            // Our own failures stay out of the answer (they are logged); a client's are its to fix.
            ours || message == null || message.isBlank() ? status.reasonPhrase() : message,
            null,
            null);
    headers.set(HeaderNames.CONTENT_TYPE, "application/json");
    return TransportResponse.builder()
        .status(status)
        .headers(headers)
        .entity(Json.bytes(ErrorResponses.body(e)))
        .keepAlive(type.keepAlive())
        .build();
  }
}
