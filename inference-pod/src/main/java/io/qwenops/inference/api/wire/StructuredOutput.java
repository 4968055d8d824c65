package io.qwenops.inference.api.wire;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qwenops.inference.api.ApiException;
import io.qwenops.inference.engine.TokenConstraint;
import io.qwenops.inference.guided.ChoiceGrammar;
import io.qwenops.inference.guided.GuidedTokenizer;
import io.qwenops.inference.guided.JsonSchema;
import io.qwenops.inference.guided.JsonSchemaGrammar;
import io.qwenops.inference.guided.SchemaCompiler;
import io.qwenops.inference.guided.TokenTable;
import io.qwenops.inference.guided.UnsupportedSchemaException;
import java.util.ArrayList;
import java.util.List;

/**
 * What a request asks its output to be (structured outputs), read from whichever of OpenAI's {@code
 * response_format} ({@code json_object}, {@code json_schema}) or vLLM's {@code guided_json}, {@code
 * guided_choice} and {@code structured_outputs} ({@code json}, {@code json_object}, {@code choice})
 * it uses; the engine enforces it by guided decoding, one grammar per choice.
 *
 * @param schema the JSON schema the output follows, or null
 * @param choices the strings one of which the output is exactly, or null
 */
public record StructuredOutput(JsonSchema schema, List<String> choices) {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_CHOICES = 1024;
  private static final List<String> FIELDS =
      List.of("response_format", "guided_json", "guided_choice", "structured_outputs");

  /** A fresh grammar for one choice with {@code maxTokens} to spend. */
  public TokenConstraint constraint(GuidedTokenizer tokenizer, int vocabSize, int maxTokens) {
    TokenTable table = TokenTable.of(tokenizer, vocabSize);
    return schema != null
        ? new JsonSchemaGrammar(table, tokenizer, schema, maxTokens)
        : new ChoiceGrammar(table, choices);
  }

  /**
   * @return null when the output is free text
   * @throws ApiException 400 naming the field for a malformed request or a schema keyword that
   *     guided decoding cannot enforce
   */
  static StructuredOutput read(JsonNode body) {
    String given = null;
    for (String f : FIELDS) {
      JsonNode v = Fields.field(body, f);
      if (v == null || (f.equals("response_format") && "text".equals(v.path("type").asText()))) {
        continue;
      }
      if (given != null) {
        throw ApiException.invalid("'" + given + "' and '" + f + "' cannot be combined", f);
      }
      given = f;
    }
    if (given == null) {
      return null;
    }
    JsonNode v = Fields.field(body, given);
    return switch (given) {
      case "response_format" -> responseFormat(v);
      case "guided_json" -> json(v, given);
      case "guided_choice" -> choice(v, given);
      default -> structuredOutputs(v);
    };
  }

  private static StructuredOutput responseFormat(JsonNode format) {
    String param = "response_format";
    String type = format.path("type").asText("");
    return switch (type) {
      case "json_object" -> new StructuredOutput(SchemaCompiler.anyObject(), null);
      case "json_schema" -> {
        JsonNode schema = format.path("json_schema").get("schema");
        if (schema == null || !schema.isObject()) {
          throw ApiException.invalid(
              "response_format json_schema needs 'json_schema': {\"name\", \"schema\": {...}}",
              param);
        }
        yield json(schema, param);
      }
      default ->
          throw ApiException.invalid(
              "response_format type must be 'text', 'json_object' or 'json_schema', got "
                  + format.path("type"),
              param);
    };
  }

  private static StructuredOutput structuredOutputs(JsonNode so) {
    String param = "structured_outputs";
    if (!so.isObject() || so.size() != 1) {
      throw ApiException.invalid(
          "structured_outputs must hold exactly one of 'json', 'json_object' or 'choice'", param);
    }
    String key = so.fieldNames().next();
    return switch (key) {
      case "json" -> json(so.get(key), param);
      case "json_object" -> {
        if (!so.get(key).asBoolean(false)) {
          throw ApiException.invalid("structured_outputs.json_object must be true", param);
        }
        yield new StructuredOutput(SchemaCompiler.anyObject(), null);
      }
      case "choice" -> choice(so.get(key), param);
      default ->
          throw ApiException.invalid(
              "structured_outputs."
                  + key
                  + " is not supported; only json, json_object and choice are",
              param);
    };
  }

  /** A schema given as an object or as a string holding one (vLLM accepts both). */
  private static StructuredOutput json(JsonNode schema, String param) {
    if (schema.isTextual()) {
      try {
        schema = JSON.readTree(schema.asText());
      } catch (JsonProcessingException e) {
        throw ApiException.invalid(param + " is a string that is not JSON", param);
      }
    }
    try {
      return new StructuredOutput(SchemaCompiler.compile(schema), null);
    } catch (UnsupportedSchemaException e) {
      throw ApiException.invalid(
          param + ": " + e.getMessage() + " (keyword '" + e.keyword() + "')", param);
    }
  }

  private static StructuredOutput choice(JsonNode choices, String param) {
    if (!choices.isArray() || choices.isEmpty() || choices.size() > MAX_CHOICES) {
      throw ApiException.invalid(
          param + " must be a list of 1 to " + MAX_CHOICES + " non-empty strings", param);
    }
    List<String> out = new ArrayList<>();
    for (JsonNode c : choices) {
      if (!c.isTextual() || c.asText().isEmpty()) {
        throw ApiException.invalid(param + " must list non-empty strings, got " + c, param);
      }
      out.add(c.asText());
    }
    return new StructuredOutput(null, List.copyOf(out));
  }
}
