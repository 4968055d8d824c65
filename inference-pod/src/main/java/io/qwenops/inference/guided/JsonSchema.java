package io.qwenops.inference.guided;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One compiled JSON schema node, as {@link JsonValueFrame}s enforce it byte by byte: the JSON types
 * it admits and, per type, what inside must hold. Built by {@link SchemaCompiler}; immutable.
 *
 * @param types a mask of {@link #OBJECT}, {@link #ARRAY}, ... ({@link #INTEGER} alone: numbers
 *     without fraction or exponent)
 * @param propertyNames the declared properties' keys as they are written between the quotes
 * @param properties the declared properties' schemas, in the order of {@code propertyNames}
 * @param required a bit per declared property that must appear
 * @param additional the schema of undeclared properties, or null when they are refused
 * @param items every array element's schema
 * @param enumValues the only values allowed (compact JSON text), or null for any of the types
 * @param anyOf alternatives (the value matches at least one), or null
 * @param minimal the shortest JSON text this schema admits (used to close a value early)
 */
public record JsonSchema(
    int types,
    NameTrie propertyNames,
    List<JsonSchema> properties,
    long required,
    JsonSchema additional,
    JsonSchema items,
    int minItems,
    int maxItems,
    NameTrie enumValues,
    List<JsonSchema> anyOf,
    byte[] minimal) {

  static final int OBJECT = 1;
  static final int ARRAY = 2;
  static final int STRING = 4;
  static final int NUMBER = 8;
  static final int INTEGER = 16;
  static final int BOOLEAN = 32;
  static final int NULL = 64;
  static final int ALL = 127;

  /** Any JSON value (JSON Schema's {@code true} or {@code {}}). */
  static final JsonSchema ANY = any();

  private static JsonSchema any() {
    return new JsonSchema(
        ALL,
        new NameTrie(List.of()),
        List.of(),
        0,
        null, // replaced below: an ANY's members are ANY too
        null,
        0,
        Integer.MAX_VALUE,
        null,
        null,
        "0".getBytes(StandardCharsets.US_ASCII));
  }

  boolean admits(int type) {
    return (types & type) != 0;
  }

  /** Whether this node puts no constraint on what is inside objects and arrays. */
  boolean isAny() {
    return this == ANY;
  }

  /** Undeclared properties' schema (ANY's members are ANY), or null when refused. */
  JsonSchema additionalSchema() {
    return isAny() ? ANY : additional;
  }

  JsonSchema itemSchema() {
    return isAny() || items == null ? ANY : items;
  }

  /** The longest {@link #minimal} of this node and every node inside it. */
  int largestMinimal() {
    int most = minimal.length;
    for (JsonSchema p : properties) {
      most = Math.max(most, p.largestMinimal());
    }
    if (anyOf != null) {
      for (JsonSchema a : anyOf) {
        most = Math.max(most, a.largestMinimal());
      }
    }
    if (!isAny() && additional != null) {
      most = Math.max(most, additional.largestMinimal());
    }
    if (!isAny() && items != null) {
      most = Math.max(most, items.largestMinimal());
    }
    return most;
  }

  int propertyCount() {
    return properties.size();
  }
}
