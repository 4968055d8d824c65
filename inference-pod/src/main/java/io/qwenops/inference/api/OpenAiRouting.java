package io.qwenops.inference.api;

import io.helidon.http.HttpException;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.qwenops.inference.api.generate.RequestMetrics;
import io.qwenops.inference.api.wire.RequestLimits;
import java.lang.System.Logger;
import java.util.Map;

/**
 * The API's routes, filters and error mapping in one place. Every error leaves as OpenAI's error
 * body; a route nobody serves is a 404 in the same shape.
 */
public final class OpenAiRouting {

  private static final Logger LOG = System.getLogger(OpenAiRouting.class.getName());

  /**
   * @param apiKey null for an open server
   */
  public static void register(
      HttpRouting.Builder routing,
      ModelSlot slot,
      RequestMetrics metrics,
      String apiKey,
      long maxBodyBytes,
      RequestLimits limits,
      String version) {
    routing.addFilter(new RequestIds());
    if (apiKey != null) {
      routing.addFilter(new ApiKeyCheck(apiKey));
    }
    routing
        .register(new HealthService(slot))
        .register(new ModelsService(slot))
        .register(new ChatCompletionsService(slot, metrics, maxBodyBytes, limits))
        .register(new CompletionsService(slot, metrics, maxBodyBytes, limits))
        .register(
            new io.qwenops.inference.api.responses.ResponsesService(
                slot, metrics, maxBodyBytes, limits))
        .register(new TokenizeService(slot, maxBodyBytes))
        .get("/version", (req, res) -> ModelsService.send(res, Map.of("version", version)));
  }

  /** Error mapping and the 404 fallback; register after every other route. */
  public static void finish(HttpRouting.Builder routing) {
    routing
        .any(
            (req, res) ->
                ErrorResponses.send(
                    res,
                    ApiException.routeNotFound(req.prologue().method().text(), req.path().path())))
        .error(ApiException.class, (req, res, e) -> ErrorResponses.send(res, e))
        .error(
            HttpException.class,
            (req, res, e) -> {
              int status = e.status().code();
              if (status >= 500) {
                ErrorResponses.send(res, internal(req, e));
                return;
              }
              ErrorResponses.send(
                  res,
                  new ApiException(status, "invalid_request_error", e.getMessage(), null, null));
            })
        .error(Exception.class, (req, res, e) -> ErrorResponses.send(res, internal(req, e)));
  }

  /** A generic 500 naming the request; the detail goes to the log under the same id. */
  private static ApiException internal(ServerRequest req, Exception e) {
    String id = RequestIds.of(req);
    LOG.log(
        Logger.Level.ERROR, "Unexpected failure on " + req.path().path() + " request_id=" + id, e);
    return ApiException.internal(id);
  }

  private OpenAiRouting() {}
}
