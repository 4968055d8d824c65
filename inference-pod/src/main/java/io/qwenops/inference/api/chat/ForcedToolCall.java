package io.qwenops.inference.api.chat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qwenops.inference.api.ApiException;
import io.qwenops.inference.api.PromptTokenizer;
import io.qwenops.inference.guided.JsonSchema;
import io.qwenops.inference.guided.SchemaCompiler;
import io.qwenops.inference.guided.TokenTable;
import io.qwenops.inference.guided.ToolCallGrammar;
import io.qwenops.inference.guided.UnsupportedSchemaException;
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
  private final List<JsonSchema> arguments;

  private ForcedToolCall(String prefix, List<String> names, List<JsonSchema> arguments) {
    this.prefix = prefix;
    this.names = names;
    this.arguments = arguments;
  }

  /**
   * The forced call for this choice, any JSON object as arguments (null when the model is free).
   */
  public static ForcedToolCall of(ToolChoice choice, List<String> declared) {
    List<JsonSchema> any = new ArrayList<>();
    declared.forEach(d -> any.add(SchemaCompiler.anyObject()));
    return of(choice, declared, any);
  }

  /**
   * The forced call for this choice over the request's {@code tools}: a function marked {@code
   * "strict": true} gets arguments that its {@code parameters} schema admits, the others any JSON
   * object.
   *
   * @throws ApiException 400 naming {@code tools} for a strict schema guided decoding cannot
   *     enforce
   */
  public static ForcedToolCall of(ToolChoice choice, JsonNode tools) {
    List<String> declared = ToolChoice.names(tools);
    List<JsonSchema> schemas = new ArrayList<>();
    for (JsonNode t : tools) {
      JsonNode f = t.path("function");
      boolean strict = f.path("strict").asBoolean(false);
      schemas.add(strict ? strictParameters(f) : SchemaCompiler.anyObject());
    }
    return of(choice, declared, schemas);
  }

  private static JsonSchema strictParameters(JsonNode function) {
    JsonNode parameters = function.get("parameters");
    if (parameters == null) {
      return SchemaCompiler.anyObject();
    }
    try {
      return SchemaCompiler.compile(parameters);
    } catch (UnsupportedSchemaException e) {
      throw ApiException.invalid(
          "function '"
              + function.path("name").asText()
              + "' is strict, but its parameters cannot be enforced: "
              + e.getMessage(),
          "tools");
    }
  }

  private static ForcedToolCall of(
      ToolChoice choice, List<String> declared, List<JsonSchema> schemas) {
    return switch (choice.mode()) {
      case REQUIRED -> {
        List<String> escaped = new ArrayList<>();
        for (String name : declared) {
          escaped.add(jsonContent(name));
        }
        yield new ForcedToolCall(
            ToolCallParser.OPEN + "\n{\"name\": \"", List.copyOf(escaped), List.copyOf(schemas));
      }
      case NAMED ->
          new ForcedToolCall(
              ToolCallParser.OPEN
                  + "\n{\"name\": \""
                  + jsonContent(choice.function())
                  + "\""
                  + ToolCallGrammar.ARGUMENTS_KEY,
              List.of(),
              List.of(schemas.get(declared.indexOf(choice.function()))));
      default -> null;
    };
  }

  /** Appended to the rendered prompt; also the start of the reply's text. */
  public String prefix() {
    return prefix;
  }

  /** A fresh grammar for one choice (each choice generates its own call). */
  public ToolCallGrammar grammar(PromptTokenizer tokenizer, int vocabSize, int maxTokens) {
    return new ToolCallGrammar(
        TokenTable.of(tokenizer, vocabSize), tokenizer, names, arguments, maxTokens);
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
