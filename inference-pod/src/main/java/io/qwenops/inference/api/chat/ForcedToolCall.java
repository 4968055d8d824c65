package io.qwenops.inference.api.chat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qwenops.inference.api.PromptTokenizer;
import io.qwenops.inference.guided.TokenTable;
import io.qwenops.inference.guided.ToolCallGrammar;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code tool_choice} "required" or a named function, enforced as vLLM does with guided decoding:
 * the assistant turn is made to begin with Qwen2.5's call opening ({@code <tool_call>\n{"name": "},
 * or up to {@code "arguments": } when the function is named) by appending it to the rendered
 * prompt, and a {@link ToolCallGrammar} guides the rest. The reply's text is {@link #prefix()}
 * followed by what was generated, which {@link ToolCallParser} reads as usual.
 */
public final class ForcedToolCall {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String prefix;
  private final List<String> names;

  private ForcedToolCall(String prefix, List<String> names) {
    this.prefix = prefix;
    this.names = names;
  }

  /** The forced call for this choice, or null when the model is free ("auto", "none"). */
  public static ForcedToolCall of(ToolChoice choice, List<String> declared) {
    return switch (choice.mode()) {
      case REQUIRED -> {
        List<String> escaped = new ArrayList<>();
        for (String name : declared) {
          escaped.add(jsonContent(name));
        }
        yield new ForcedToolCall(ToolCallParser.OPEN + "\n{\"name\": \"", List.copyOf(escaped));
      }
      case NAMED ->
          new ForcedToolCall(
              ToolCallParser.OPEN
                  + "\n{\"name\": \""
                  + jsonContent(choice.function())
                  + "\""
                  + ToolCallGrammar.ARGUMENTS_KEY,
              List.of());
      default -> null;
    };
  }

  /** Appended to the rendered prompt; also the start of the reply's text. */
  public String prefix() {
    return prefix;
  }

  /** A fresh grammar for one choice (each choice generates its own call). */
  public ToolCallGrammar grammar(PromptTokenizer tokenizer, int vocabSize, int maxTokens) {
    return new ToolCallGrammar(TokenTable.of(tokenizer, vocabSize), tokenizer, names, maxTokens);
  }

  /** The text between the quotes of the name as Python's json.dumps writes it. */
  private static String jsonContent(String name) {
    try {
      String quoted = JSON.writeValueAsString(name);
      return quoted.substring(1, quoted.length() - 1);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
