package io.qwenops.inference.api.wire;

import com.fasterxml.jackson.databind.JsonNode;
import io.qwenops.inference.api.ApiException;
import java.util.ArrayList;
import java.util.List;

/** Typed reads of request fields; a wrong type or range is a 400 that names the field. */
final class Fields {

  private Fields() {}

  static JsonNode field(JsonNode body, String name) {
    JsonNode v = body.get(name);
    return v == null || v.isNull() ? null : v;
  }

  static Double number(JsonNode body, String name, double min, double max) {
    JsonNode v = field(body, name);
    if (v == null) {
      return null;
    }
    if (!v.isNumber()) {
      throw ApiException.invalid("'" + name + "' must be a number, got " + v, name);
    }
    double d = v.asDouble();
    if (!(d >= min && d <= max)) {
      throw ApiException.invalid(
          "'" + name + "' must be between " + min + " and " + max + ", got " + d, name);
    }
    return d;
  }

  static Integer integer(JsonNode body, String name, long min, long max) {
    Long l = longValue(body, name, min, max);
    return l == null ? null : l.intValue();
  }

  static Long longValue(JsonNode body, String name, long min, long max) {
    JsonNode v = field(body, name);
    if (v == null) {
      return null;
    }
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      throw ApiException.invalid("'" + name + "' must be an integer, got " + v, name);
    }
    long l = v.asLong();
    if (l < min || l > max) {
      throw ApiException.invalid(
          "'" + name + "' must be between " + min + " and " + max + ", got " + l, name);
    }
    return l;
  }

  static boolean bool(JsonNode body, String name) {
    JsonNode v = field(body, name);
    if (v == null) {
      return false;
    }
    if (!v.isBoolean()) {
      throw ApiException.invalid("'" + name + "' must be true or false, got " + v, name);
    }
    return v.asBoolean();
  }

  static String string(JsonNode body, String name) {
    JsonNode v = field(body, name);
    if (v == null) {
      return null;
    }
    if (!v.isTextual()) {
      throw ApiException.invalid("'" + name + "' must be a string, got " + v, name);
    }
    return v.asText();
  }

  /** A string or a list of at most {@code maxCount} strings of at most {@code maxLength} chars. */
  static List<String> strings(JsonNode body, String name, int maxCount, int maxLength) {
    JsonNode v = field(body, name);
    if (v == null) {
      return List.of();
    }
    if (v.isTextual()) {
      checkLength(v.asText(), name, maxLength);
      return v.asText().isEmpty() ? List.of() : List.of(v.asText());
    }
    if (!v.isArray()) {
      throw ApiException.invalid("'" + name + "' must be a string or a list of strings", name);
    }
    checkSize(v, name, maxCount);
    List<String> out = new ArrayList<>();
    for (JsonNode s : v) {
      if (!s.isTextual()) {
        throw ApiException.invalid("'" + name + "' must be a string or a list of strings", name);
      }
      checkLength(s.asText(), name, maxLength);
      if (!s.asText().isEmpty()) {
        out.add(s.asText());
      }
    }
    return out;
  }

  /** A list of at most {@code maxCount} integers in [min, maxExclusive). */
  static List<Integer> ints(JsonNode body, String name, int min, int maxExclusive, int maxCount) {
    JsonNode v = field(body, name);
    if (v == null) {
      return List.of();
    }
    if (!v.isArray()) {
      throw ApiException.invalid("'" + name + "' must be a list of integers", name);
    }
    checkSize(v, name, maxCount);
    List<Integer> out = new ArrayList<>();
    for (JsonNode i : v) {
      if (!i.isIntegralNumber() || i.asLong() < min || i.asLong() >= maxExclusive) {
        throw ApiException.invalid(
            "'" + name + "' must hold integers in [" + min + ", " + maxExclusive + "), got " + i,
            name);
      }
      out.add(i.asInt());
    }
    return out;
  }

  /** A 400 naming the field when the list holds more than {@code max} entries. */
  static void checkSize(JsonNode list, String name, int max) {
    if (list.size() > max) {
      throw ApiException.invalid(
          "'" + name + "' holds " + list.size() + " entries; at most " + max + " are allowed",
          name);
    }
  }

  private static void checkLength(String s, String name, int max) {
    if (s.length() > max) {
      throw ApiException.invalid(
          "each entry of '"
              + name
              + "' may be at most "
              + max
              + " characters, got one of "
              + s.length(),
          name);
    }
  }
}
