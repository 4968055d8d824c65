package io.qwenops.inference.api.responses;

import com.fasterxml.jackson.databind.JsonNode;
import io.qwenops.inference.api.wire.ChatRequest;
import java.util.List;

/**
 * What every response object of one request repeats (its id, model, the request's settings); the
 * status, output and usage change as it is generated.
 */
record ResponseShape(String id, long createdAt, String model, JsonNode request, ChatRequest chat) {

  ResponsesWire.Response with(
      String status, String incompleteReason, List<Object> output, ResponsesWire.Usage usage) {
    StringBuilder text = new StringBuilder();
    for (Object item : output) {
      if (item instanceof ResponsesWire.Message m) {
        m.content().forEach(p -> text.append(p.text()));
      }
    }
    JsonNode toolChoice = request.get("tool_choice");
    return new ResponsesWire.Response(
        id,
        "response",
        createdAt,
        status,
        null,
        incompleteReason == null ? null : new ResponsesWire.IncompleteDetails(incompleteReason),
        request.path("instructions").isTextual() ? request.get("instructions").asText() : null,
        request.path("metadata").isObject() ? request.get("metadata") : null,
        request.path("max_output_tokens").isIntegralNumber()
            ? request.get("max_output_tokens").asInt()
            : null,
        model,
        List.copyOf(output),
        text.toString(),
        chat.parallelToolCalls(),
        request.path("temperature").isNumber() ? request.get("temperature").asDouble() : null,
        toolChoice == null || toolChoice.isNull()
            ? com.fasterxml.jackson.databind.node.TextNode.valueOf("auto")
            : toolChoice,
        request.path("tools").isArray()
            ? request.get("tools")
            : com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode(),
        request.path("top_p").isNumber() ? request.get("top_p").asDouble() : null,
        "disabled",
        false,
        false,
        new ResponsesWire.Text(new ResponsesWire.Format("text")),
        usage);
  }
}
