package io.qwenops.inference.api.responses;

import com.fasterxml.jackson.databind.JsonNode;
import io.qwenops.inference.api.ApiException;

/**
 * Responses API fields this server cannot honour: each is a 400 naming it, never ignored. A field
 * is refused only when it asks for something ({@code store: false}, {@code background: false},
 * {@code truncation: "disabled"} or {@code text.format.type: "text"} pass).
 */
final class Unsupported {

  private Unsupported() {}

  static void reject(JsonNode body) {
    refuseIf(body, "previous_response_id", v -> true, "responses are not stored");
    refuseIf(body, "conversation", v -> true, "conversations are not stored");
    refuseIf(body, "store", v -> !v.isBoolean() || v.asBoolean(), "responses are not stored");
    refuseIf(body, "background", v -> !v.isBoolean() || v.asBoolean(), "no background runs");
    refuseIf(body, "reasoning", v -> true, "this model does not reason");
    refuseIf(body, "prompt", v -> true, "stored prompt templates are not supported");
    refuseIf(body, "include", v -> !v.isArray() || !v.isEmpty(), "nothing extra can be included");
    refuseIf(body, "max_tool_calls", v -> true, "not supported");
    refuseIf(body, "top_logprobs", v -> !(v.isIntegralNumber() && v.asInt() == 0), "not built");
    refuseIf(
        body,
        "truncation",
        v -> !"disabled".equals(v.asText()),
        "inputs are never truncated (one that does not fit is a 400)");
    refuseIf(
        body,
        "text",
        v ->
            !v.path("format").isMissingNode()
                && !"text".equals(v.path("format").path("type").asText()),
        "structured output formats are not supported on /v1/responses; only text is");
  }

  private static void refuseIf(
      JsonNode body, String field, java.util.function.Predicate<JsonNode> asks, String why) {
    JsonNode v = body.get(field);
    if (v != null && !v.isNull() && asks.test(v)) {
      throw ApiException.invalid("'" + field + "' " + v + " is refused: " + why, field);
    }
  }
}
