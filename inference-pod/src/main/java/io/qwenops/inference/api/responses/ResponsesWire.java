package io.qwenops.inference.api.responses;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** The OpenAI Responses API's shapes (serialised with snake_case names), as its SDK types them. */
final class ResponsesWire {

  private ResponsesWire() {}

  /**
   * A response object. {@code output_text} is the SDK's convenience (all output text joined), sent
   * so that plain HTTP clients have it too.
   */
  record Response(
      String id,
      String object,
      long createdAt,
      String status,
      Object error,
      IncompleteDetails incompleteDetails,
      String instructions,
      JsonNode metadata,
      Integer maxOutputTokens,
      String model,
      List<Object> output,
      String outputText,
      boolean parallelToolCalls,
      Double temperature,
      JsonNode toolChoice,
      JsonNode tools,
      Double topP,
      String truncation,
      boolean store,
      boolean background,
      Text text,
      Usage usage) {}

  record IncompleteDetails(String reason) {}

  record Text(Format format) {}

  record Format(String type) {}

  /** An assistant message; {@code content} holds one output_text part. */
  record Message(String id, String type, String role, String status, List<OutputText> content) {

    static Message of(String id, String status, String text) {
      return new Message(
          id,
          "message",
          "assistant",
          status,
          text == null ? List.of() : List.of(OutputText.of(text)));
    }
  }

  record OutputText(String type, String text, List<Object> annotations, List<Object> logprobs) {
    static OutputText of(String text) {
      return new OutputText("output_text", text, List.of(), List.of());
    }
  }

  record FunctionCall(
      String id, String type, String status, String arguments, String callId, String name) {
    static FunctionCall of(String id, String status, String callId, String name, String arguments) {
      return new FunctionCall(id, "function_call", status, arguments, callId, name);
    }
  }

  record Usage(
      int inputTokens,
      InputDetails inputTokensDetails,
      int outputTokens,
      OutputDetails outputTokensDetails,
      int totalTokens) {
    static Usage of(int input, int output) {
      return new Usage(input, new InputDetails(0, 0), output, new OutputDetails(0), input + output);
    }
  }

  /** Prefix-cache hits are not reported per request yet: always 0. */
  record InputDetails(int cachedTokens, int cacheWriteTokens) {}

  record OutputDetails(int reasoningTokens) {}

  /**
   * A stream event: {@code type} and {@code sequence_number} first, then its own fields (the others
   * are left out). The factories leave the number at 0; {@link #numbered} sets it.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Event(
      String type,
      int sequenceNumber,
      Response response,
      Integer outputIndex,
      Integer contentIndex,
      String itemId,
      Object item,
      OutputText part,
      String delta,
      String text,
      String arguments,
      String name,
      List<Object> logprobs) {

    Event numbered(int n) {
      return new Event(
          type,
          n,
          response,
          outputIndex,
          contentIndex,
          itemId,
          item,
          part,
          delta,
          text,
          arguments,
          name,
          logprobs);
    }

    /** response.created, .in_progress, .completed. */
    static Event response(String type, Response response) {
      return new Event(
          type, 0, response, null, null, null, null, null, null, null, null, null, null);
    }

    /** response.output_item.added, .done. */
    static Event item(String type, int outputIndex, Object item) {
      return new Event(
          type, 0, null, outputIndex, null, null, item, null, null, null, null, null, null);
    }

    /** response.content_part.added, .done. */
    static Event part(String type, int outputIndex, String itemId, OutputText part) {
      return new Event(
          type, 0, null, outputIndex, 0, itemId, null, part, null, null, null, null, null);
    }

    static Event textDelta(int outputIndex, String itemId, String delta) {
      return new Event(
          "response.output_text.delta",
          0,
          null,
          outputIndex,
          0,
          itemId,
          null,
          null,
          delta,
          null,
          null,
          null,
          List.of());
    }

    static Event textDone(int outputIndex, String itemId, String text) {
      return new Event(
          "response.output_text.done",
          0,
          null,
          outputIndex,
          0,
          itemId,
          null,
          null,
          null,
          text,
          null,
          null,
          List.of());
    }

    static Event argumentsDelta(int outputIndex, String itemId, String delta) {
      return new Event(
          "response.function_call_arguments.delta",
          0,
          null,
          outputIndex,
          null,
          itemId,
          null,
          null,
          delta,
          null,
          null,
          null,
          null);
    }

    static Event argumentsDone(int outputIndex, String itemId, String arguments, String name) {
      return new Event(
          "response.function_call_arguments.done",
          0,
          null,
          outputIndex,
          null,
          itemId,
          null,
          null,
          null,
          null,
          arguments,
          name,
          null);
    }
  }
}
