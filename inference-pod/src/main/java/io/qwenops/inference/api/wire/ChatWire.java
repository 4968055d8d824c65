package io.qwenops.inference.api.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** OpenAI's chat completion response shapes (serialised with snake_case names). */
public final class ChatWire {

  private ChatWire() {}

  /** OpenAI's tool_calls entries for parsed calls. */
  public static List<ToolCall> toolCalls(List<io.qwenops.inference.api.chat.ToolCall> calls) {
    return calls.stream()
        .map(c -> new ToolCall(c.id(), "function", new Function(c.name(), c.arguments())))
        .toList();
  }

  /**
   * {@code prompt_logprobs}: vLLM's extra, at the top level of a chat answer; null when not asked.
   */
  public record Completion(
      String id,
      String object,
      long created,
      String model,
      List<Choice> choices,
      Usage usage,
      @JsonInclude(JsonInclude.Include.NON_NULL)
          List<java.util.Map<String, VllmLogprob>> promptLogprobs) {}

  public record Choice(int index, Message message, Logprobs logprobs, String finishReason) {}

  /** {@code refusal} is always null: OpenAI sends the field, and strict clients expect it. */
  public record Message(
      String role,
      String content,
      String refusal,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) List<ToolCall> toolCalls) {}

  public record ToolCall(String id, String type, Function function) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
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
  public record Delta(String role, String content, List<ToolCallDelta> toolCalls) {}

  /**
   * A streamed call: the first delta of call {@code index} has its id, type and name (arguments
   * ""), the later ones only argument fragments.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ToolCallDelta(int index, String id, String type, Function function) {

    public static ToolCallDelta start(int index, String id, String name) {
      return new ToolCallDelta(index, id, "function", new Function(name, ""));
    }

    public static ToolCallDelta arguments(int index, String fragment) {
      return new ToolCallDelta(index, null, null, new Function(null, fragment));
    }
  }
}
