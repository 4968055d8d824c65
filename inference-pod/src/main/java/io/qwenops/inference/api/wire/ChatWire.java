package io.qwenops.inference.api.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** OpenAI's chat completion response shapes (serialised with snake_case names). */
public final class ChatWire {

  private ChatWire() {}

  /** OpenAI's tool_calls entries for parsed calls; streamed ones carry their position. */
  public static List<ToolCall> toolCalls(
      List<io.qwenops.inference.api.chat.ToolCall> calls, boolean withIndex) {
    List<ToolCall> out = new java.util.ArrayList<>();
    for (int k = 0; k < calls.size(); k++) {
      var c = calls.get(k);
      out.add(
          new ToolCall(
              withIndex ? k : null, c.id(), "function", new Function(c.name(), c.arguments())));
    }
    return out;
  }

  public record Completion(
      String id, String object, long created, String model, List<Choice> choices, Usage usage) {}

  public record Choice(int index, Message message, Logprobs logprobs, String finishReason) {}

  /** {@code refusal} is always null: OpenAI sends the field, and strict clients expect it. */
  public record Message(
      String role,
      String content,
      String refusal,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) List<ToolCall> toolCalls) {}

  public record ToolCall(
      @JsonInclude(JsonInclude.Include.NON_NULL) Integer index,
      String id,
      String type,
      Function function) {}

  public record Function(String name, String arguments) {}

  public record Logprobs(List<TokenLogprob> content) {}

  public record TokenLogprob(
      String token, double logprob, List<Integer> bytes, List<TopLogprob> topLogprobs) {}

  public record TopLogprob(String token, double logprob, List<Integer> bytes) {}

  public record Chunk(
      String id,
      String object,
      long created,
      String model,
      List<ChunkChoice> choices,
      @JsonInclude(JsonInclude.Include.NON_NULL) Usage usage) {}

  public record ChunkChoice(int index, Delta delta, Logprobs logprobs, String finishReason) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Delta(String role, String content, List<ToolCall> toolCalls) {}
}
