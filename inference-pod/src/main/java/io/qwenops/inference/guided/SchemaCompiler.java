package io.qwenops.inference.guided;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a JSON schema into {@link JsonSchema} nodes, refusing with {@link
 * UnsupportedSchemaException} every keyword that guided decoding would not enforce (a schema
 * keyword silently ignored would let a reply break it). Local {@code $ref}s into {@code $defs} or
 * {@code definitions} are inlined; a recursive one is refused.
 */
public final class SchemaCompiler {

  /** A property per bit of {@link JsonSchema#required} (and of a frame's seen mask). */
  static final int MAX_PROPERTIES = 64;

  static final int MAX_ALTERNATIVES = 16;
  static final int MAX_ENUM_VALUES = 1024;
  static final int MAX_NODES = 4096;

  /** Words that describe and constrain nothing. */
  private static final Set<String> ANNOTATIONS =
      Set.of(
          "title",
          "description",
          "default",
          "examples",
          "$schema",
          "$id",
          "$comment",
          "deprecated",
          "readOnly",
          "writeOnly",
          "$defs",
          "definitions",
          "strict");

  private static final Set<String> HANDLED =
      Set.of(
          "type",
          "properties",
          "required",
          "additionalProperties",
          "items",
          "minItems",
          "maxItems",
          "enum",
          "const",
          "anyOf",
          "$ref");

  private final JsonNode root;
  private final Deque<String> resolving = new ArrayDeque<>();
  private int nodes;

  private SchemaCompiler(JsonNode root) {
    this.root = root;
  }

  /**
   * @throws UnsupportedSchemaException naming the keyword it cannot enforce
   */
  public static JsonSchema compile(JsonNode schema) {
    return new SchemaCompiler(schema).node(schema);
  }

  /** Any JSON object (what {@code response_format: {"type": "json_object"}} asks for). */
  public static JsonSchema anyObject() {
    return objectOf(new ArrayList<>(), new ArrayList<>(), 0, JsonSchema.ANY);
  }

  private JsonSchema node(JsonNode s) {
    if (++nodes > MAX_NODES) {
      throw new UnsupportedSchemaException(
          "schema", "the schema has more than " + MAX_NODES + " subschemas");
    }
    if (s.isBoolean()) {
      if (!s.asBoolean()) {
        throw new UnsupportedSchemaException("false", "the schema false admits no value");
      }
      return JsonSchema.ANY;
    }
    if (!s.isObject()) {
      throw new UnsupportedSchemaException("schema", "a schema must be an object, got " + s);
    }
    for (Iterator<String> it = s.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!HANDLED.contains(k) && !ANNOTATIONS.contains(k)) {
        throw new UnsupportedSchemaException(
            k, "the JSON schema keyword '" + k + "' is not supported by guided decoding");
      }
    }
    if (s.has("$ref")) {
      return ref(s);
    }
    if (s.has("anyOf")) {
      return anyOf(s);
    }
    int types = types(s.get("type"));
    if (s.has("enum") || s.has("const")) {
      return enumeration(s, types);
    }
    List<byte[]> names = new ArrayList<>();
    List<JsonSchema> props = new ArrayList<>();
    long required = 0;
    JsonSchema additional = JsonSchema.ANY;
    JsonSchema items = JsonSchema.ANY;
    if ((types & JsonSchema.OBJECT) != 0) {
      JsonNode p = s.get("properties");
      if (p != null) {
        if (!p.isObject()) {
          throw new UnsupportedSchemaException("properties", "'properties' must be an object");
        }
        if (p.size() > MAX_PROPERTIES) {
          throw new UnsupportedSchemaException(
              "properties", "at most " + MAX_PROPERTIES + " properties per object are supported");
        }
        for (Map.Entry<String, JsonNode> e : p.properties()) {
          names.add(escaped(e.getKey()));
          props.add(node(e.getValue()));
        }
      }
      required = required(s.get("required"), p);
      JsonNode ap = s.get("additionalProperties");
      if (ap != null) {
        additional = ap.isBoolean() && !ap.asBoolean() ? null : node(ap);
      }
    }
    if ((types & JsonSchema.ARRAY) != 0 && s.has("items")) {
      if (s.get("items").isArray()) {
        throw new UnsupportedSchemaException("items", "tuple 'items' (a list) is not supported");
      }
      items = node(s.get("items"));
    }
    int minItems = count(s, "minItems", 0);
    int maxItems = count(s, "maxItems", Integer.MAX_VALUE);
    if (minItems > maxItems) {
      throw new UnsupportedSchemaException("minItems", "minItems is above maxItems");
    }
    if (minItems > 64) {
      throw new UnsupportedSchemaException("minItems", "minItems above 64 is not supported");
    }
    JsonSchema partial =
        new JsonSchema(
            types,
            new NameTrie(names),
            List.copyOf(props),
            required,
            additional,
            items,
            minItems,
            maxItems,
            null,
            null,
            null);
    return withMinimal(partial, minimal(partial, names));
  }

  private static JsonSchema objectOf(
      List<byte[]> names, List<JsonSchema> props, long required, JsonSchema additional) {
    JsonSchema partial =
        new JsonSchema(
            JsonSchema.OBJECT,
            new NameTrie(names),
            List.copyOf(props),
            required,
            additional,
            JsonSchema.ANY,
            0,
            Integer.MAX_VALUE,
            null,
            null,
            null);
    return withMinimal(partial, minimal(partial, names));
  }

  private JsonSchema ref(JsonNode s) {
    String ref = s.get("$ref").asText();
    for (Iterator<String> it = s.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!k.equals("$ref") && !ANNOTATIONS.contains(k)) {
        throw new UnsupportedSchemaException(k, "'" + k + "' beside '$ref' is not supported");
      }
    }
    if (!ref.startsWith("#/")) {
      throw new UnsupportedSchemaException("$ref", "only local '$ref's (#/...) are supported");
    }
    if (resolving.contains(ref)) {
      throw new UnsupportedSchemaException(
          "$ref", "a recursive '$ref' (" + ref + ") is not supported");
    }
    JsonNode target = root.at(ref.substring(1).replace("~1", "/").replace("~0", "~"));
    if (target.isMissingNode()) {
      throw new UnsupportedSchemaException("$ref", "'$ref' " + ref + " points at nothing");
    }
    resolving.push(ref);
    try {
      return node(target);
    } finally {
      resolving.pop();
    }
  }

  private JsonSchema anyOf(JsonNode s) {
    JsonNode alts = s.get("anyOf");
    for (Iterator<String> it = s.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!k.equals("anyOf") && !ANNOTATIONS.contains(k)) {
        throw new UnsupportedSchemaException(k, "'" + k + "' beside 'anyOf' is not supported");
      }
    }
    if (!alts.isArray() || alts.isEmpty() || alts.size() > MAX_ALTERNATIVES) {
      throw new UnsupportedSchemaException(
          "anyOf", "'anyOf' must list 1 to " + MAX_ALTERNATIVES + " schemas");
    }
    List<JsonSchema> out = new ArrayList<>();
    byte[] shortest = null;
    for (JsonNode a : alts) {
      JsonSchema c = node(a);
      out.add(c);
      if (shortest == null || c.minimal().length < shortest.length) {
        shortest = c.minimal();
      }
    }
    return new JsonSchema(
        0,
        new NameTrie(List.of()),
        List.of(),
        0,
        null,
        null,
        0,
        0,
        null,
        List.copyOf(out),
        shortest);
  }

  private static JsonSchema enumeration(JsonNode s, int types) {
    List<JsonNode> values = new ArrayList<>();
    if (s.has("const")) {
      values.add(s.get("const"));
    }
    if (s.has("enum")) {
      JsonNode e = s.get("enum");
      if (!e.isArray() || e.isEmpty() || e.size() > MAX_ENUM_VALUES) {
        throw new UnsupportedSchemaException(
            "enum", "'enum' must list 1 to " + MAX_ENUM_VALUES + " values");
      }
      e.forEach(values::add);
    }
    if (s.has("const") && s.has("enum")) {
      JsonNode c = s.get("const");
      boolean listed = false;
      for (JsonNode v : s.get("enum")) {
        listed |= v.equals(c);
      }
      values = listed ? List.of(c) : List.of();
    }
    List<byte[]> texts = new ArrayList<>();
    byte[] shortest = null;
    for (JsonNode v : values) {
      if ((typeOf(v) & types) == 0) {
        continue;
      }
      byte[] t = v.toString().getBytes(StandardCharsets.UTF_8);
      texts.add(t);
      if (shortest == null || t.length < shortest.length) {
        shortest = t;
      }
    }
    if (texts.isEmpty()) {
      throw new UnsupportedSchemaException(
          s.has("enum") ? "enum" : "const", "no value of 'enum'/'const' fits the schema's type");
    }
    return new JsonSchema(
        types,
        new NameTrie(List.of()),
        List.of(),
        0,
        null,
        null,
        0,
        0,
        new NameTrie(texts),
        null,
        shortest);
  }

  private static int typeOf(JsonNode v) {
    return switch (v.getNodeType()) {
      case OBJECT -> JsonSchema.OBJECT;
      case ARRAY -> JsonSchema.ARRAY;
      case STRING -> JsonSchema.STRING;
      case NUMBER ->
          v.isIntegralNumber() ? JsonSchema.NUMBER | JsonSchema.INTEGER : JsonSchema.NUMBER;
      case BOOLEAN -> JsonSchema.BOOLEAN;
      case NULL -> JsonSchema.NULL;
      default -> 0;
    };
  }

  private static int types(JsonNode type) {
    if (type == null) {
      return JsonSchema.ALL;
    }
    if (type.isTextual()) {
      return type(type.asText());
    }
    if (type.isArray() && !type.isEmpty()) {
      int mask = 0;
      for (JsonNode t : type) {
        mask |= type(t.asText());
      }
      return mask;
    }
    throw new UnsupportedSchemaException("type", "'type' must be a type name or a list of them");
  }

  private static int type(String name) {
    return switch (name) {
      case "object" -> JsonSchema.OBJECT;
      case "array" -> JsonSchema.ARRAY;
      case "string" -> JsonSchema.STRING;
      case "number" -> JsonSchema.NUMBER | JsonSchema.INTEGER;
      case "integer" -> JsonSchema.INTEGER;
      case "boolean" -> JsonSchema.BOOLEAN;
      case "null" -> JsonSchema.NULL;
      default -> throw new UnsupportedSchemaException("type", "unknown type '" + name + "'");
    };
  }

  private static long required(JsonNode required, JsonNode properties) {
    if (required == null) {
      return 0;
    }
    if (!required.isArray()) {
      throw new UnsupportedSchemaException("required", "'required' must be a list of names");
    }
    List<String> declared = new ArrayList<>();
    if (properties != null) {
      properties.fieldNames().forEachRemaining(declared::add);
    }
    long mask = 0;
    for (JsonNode r : required) {
      int i = declared.indexOf(r.asText());
      if (i < 0) {
        throw new UnsupportedSchemaException(
            "required", "required property '" + r.asText() + "' is not declared in 'properties'");
      }
      mask |= 1L << i;
    }
    return mask;
  }

  private static int count(JsonNode s, String keyword, int absent) {
    JsonNode v = s.get(keyword);
    if (v == null) {
      return absent;
    }
    if (!v.isIntegralNumber() || v.asLong() < 0 || v.asLong() > Integer.MAX_VALUE) {
      throw new UnsupportedSchemaException(
          keyword, "'" + keyword + "' must be a whole number >= 0");
    }
    return v.asInt();
  }

  /** A key's text between the quotes, as JSON writes it (Jackson: only what must be escaped). */
  static byte[] escaped(String key) {
    return new String(JsonStringEncoder.getInstance().quoteAsString(key))
        .getBytes(StandardCharsets.UTF_8);
  }

  private static JsonSchema withMinimal(JsonSchema s, byte[] minimal) {
    return new JsonSchema(
        s.types(),
        s.propertyNames(),
        s.properties(),
        s.required(),
        s.additional(),
        s.items(),
        s.minItems(),
        s.maxItems(),
        s.enumValues(),
        s.anyOf(),
        minimal);
  }

  /** The shortest text of the cheapest admitted type. */
  private static byte[] minimal(JsonSchema s, List<byte[]> names) {
    String[] cheap = {"0", "\"\"", "null", "true"};
    int[] typeOf = {JsonSchema.INTEGER, JsonSchema.STRING, JsonSchema.NULL, JsonSchema.BOOLEAN};
    for (int i = 0; i < cheap.length; i++) {
      if (s.admits(typeOf[i])) {
        return cheap[i].getBytes(StandardCharsets.US_ASCII);
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (s.admits(JsonSchema.ARRAY)) {
      out.write('[');
      for (int i = 0; i < s.minItems(); i++) {
        if (i > 0) {
          out.write(',');
        }
        out.writeBytes(s.itemSchema().minimal());
      }
      out.write(']');
      return out.toByteArray();
    }
    out.write('{');
    boolean first = true;
    for (int i = 0; i < names.size(); i++) {
      if ((s.required() & (1L << i)) != 0) {
        if (!first) {
          out.write(',');
        }
        first = false;
        out.write('"');
        out.writeBytes(names.get(i));
        out.write('"');
        out.write(':');
        out.writeBytes(s.properties().get(i).minimal());
      }
    }
    out.write('}');
    return out.toByteArray();
  }
}
