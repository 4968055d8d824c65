package io.qwenops.inference.api;

/**
 * A request that ends in an OpenAI-style error body: {@code {"error": {"message", "type", "param",
 * "code"}}}. Thrown anywhere in a handler; {@link ErrorResponses} writes it.
 */
public class ApiException extends RuntimeException {

  private final int status;
  private final String type;
  private final String param;
  private final String code;
  private final Integer retryAfterSeconds;

  public ApiException(int status, String type, String message, String param, String code) {
    this(status, type, message, param, code, null);
  }

  public ApiException(
      int status,
      String type,
      String message,
      String param,
      String code,
      Integer retryAfterSeconds) {
    super(message);
    this.status = status;
    this.type = type;
    this.param = param;
    this.code = code;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public static ApiException invalid(String message, String param) {
    return new ApiException(400, "invalid_request_error", message, param, null);
  }

  public static ApiException modelNotFound(String model) {
    return new ApiException(
        404,
        "invalid_request_error",
        "The model `" + model + "` does not exist.",
        "model",
        "model_not_found");
  }

  public static ApiException routeNotFound(String method, String path) {
    return new ApiException(
        404, "invalid_request_error", "Unknown route: " + method + " " + path, null, "unknown_url");
  }

  public static ApiException unauthorized(String message) {
    return new ApiException(401, "invalid_request_error", message, null, "invalid_api_key");
  }

  public static ApiException tooLarge(long limit) {
    return new ApiException(
        413,
        "invalid_request_error",
        "The request body is larger than the limit of " + limit + " bytes.",
        null,
        "request_too_large");
  }

  public static ApiException busy(String message, int retryAfterSeconds) {
    return new ApiException(
        429, "rate_limit_error", message, null, "server_busy", retryAfterSeconds);
  }

  public static ApiException loading(String message) {
    return new ApiException(503, "service_unavailable", message, null, "model_not_ready", 5);
  }

  /**
   * The model failed to load or the engine stopped for good: the pod is about to be restarted. The
   * reason is in the server's log, never in the answer (it names files and native errors).
   */
  public static ApiException unavailable(String message) {
    return new ApiException(503, "service_unavailable", message, null, "engine_unavailable", 5);
  }

  /**
   * A failure inside the server or engine: our fault, so a 500 that says only which request it was.
   * The detail (exception, native error text, paths) goes to the log under the same id.
   */
  public static ApiException internal(String requestId) {
    return new ApiException(
        500,
        "internal_error",
        "Internal error (request id " + requestId + ")",
        null,
        "internal_error");
  }

  public int status() {
    return status;
  }

  public String type() {
    return type;
  }

  public String param() {
    return param;
  }

  public String code() {
    return code;
  }

  public Integer retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
