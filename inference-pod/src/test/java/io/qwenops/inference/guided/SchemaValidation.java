package io.qwenops.inference.guided;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.util.List;

/** A real JSON Schema validator (networknt, draft 2020-12) as the oracle of structured outputs. */
public final class SchemaValidation {

  private static final SchemaRegistry REGISTRY =
      SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

  private SchemaValidation() {}

  /** The validator's complaints about {@code instance} (empty when it is valid). */
  public static List<String> errors(String schema, String instance) {
    List<Error> errors = REGISTRY.getSchema(schema).validate(instance, InputFormat.JSON);
    return errors.stream().map(Error::toString).toList();
  }

  /** Schemas, one per feature, that the structured-output tests generate replies for. */
  public static final List<String> FEATURES =
      List.of(
          // every type, all required, nothing else
          "{\"type\":\"object\",\"properties\":{\"s\":{\"type\":\"string\"},\"n\":{\"type\":\"number\"},"
              + "\"i\":{\"type\":\"integer\"},\"b\":{\"type\":\"boolean\"},\"z\":{\"type\":\"null\"}},"
              + "\"required\":[\"s\",\"n\",\"i\",\"b\",\"z\"],\"additionalProperties\":false}",
          // arrays with bounds, nested objects, an optional property
          "{\"type\":\"object\",\"properties\":{\"tags\":{\"type\":\"array\",\"items\":{\"type\":\"string\"},"
              + "\"minItems\":1,\"maxItems\":3},\"address\":{\"type\":\"object\",\"properties\":"
              + "{\"city\":{\"type\":\"string\"},\"zip\":{\"type\":\"integer\"}},\"required\":[\"city\"],"
              + "\"additionalProperties\":false}},\"required\":[\"tags\",\"address\"],"
              + "\"additionalProperties\":false}",
          // enum and const, of several types
          "{\"type\":\"object\",\"properties\":{\"unit\":{\"enum\":[\"celsius\",\"fahrenheit\"]},"
              + "\"v\":{\"const\":2},\"level\":{\"enum\":[1,12,\"x\",null]}},"
              + "\"required\":[\"unit\",\"v\",\"level\"],\"additionalProperties\":false}",
          // anyOf and type lists
          "{\"type\":\"object\",\"properties\":{\"id\":{\"anyOf\":[{\"type\":\"integer\"},{\"type\":\"string\"}]},"
              + "\"note\":{\"type\":[\"string\",\"null\"]},\"shape\":{\"anyOf\":[{\"type\":\"object\","
              + "\"properties\":{\"r\":{\"type\":\"number\"}},\"required\":[\"r\"],\"additionalProperties\":false},"
              + "{\"type\":\"object\",\"properties\":{\"w\":{\"type\":\"number\"},\"h\":{\"type\":\"number\"}},"
              + "\"required\":[\"w\",\"h\"],\"additionalProperties\":false}]}},"
              + "\"required\":[\"id\",\"note\",\"shape\"],\"additionalProperties\":false}",
          // undeclared properties with a schema of their own
          "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"}},\"required\":[\"name\"],"
              + "\"additionalProperties\":{\"type\":\"integer\"}}",
          // pydantic's shape: $defs and $ref
          "{\"$defs\":{\"Item\":{\"type\":\"object\",\"properties\":{\"sku\":{\"type\":\"string\"},"
              + "\"qty\":{\"type\":\"integer\"}},\"required\":[\"sku\",\"qty\"],\"additionalProperties\":false}},"
              + "\"type\":\"object\",\"properties\":{\"items\":{\"type\":\"array\",\"items\":"
              + "{\"$ref\":\"#/$defs/Item\"},\"maxItems\":2}},\"required\":[\"items\"],"
              + "\"additionalProperties\":false}",
          // a top-level array, and a top-level number (ends by EOS, not by a closing byte)
          "{\"type\":\"array\",\"items\":{\"type\":\"integer\"},\"maxItems\":4}",
          "{\"type\":\"integer\"}");
}
