package io.qwenops.operator.console.http;

import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;

/** The gateway's error body: {@code {"error": {"message": "...", "type": "..."}}}. */
public record ApiError(Body error) {

  public record Body(String message, String type) {}

  public static void send(ServerResponse res, Status status, String type, String message) {
    Json.send(res, status, new ApiError(new Body(message, type)));
  }

  public static void notFound(ServerResponse res, String namespace, String name) {
    send(
        res,
        Status.NOT_FOUND_404,
        "not_found",
        "no QwenDeployment " + namespace + "/" + name + " that you may see");
  }
}
