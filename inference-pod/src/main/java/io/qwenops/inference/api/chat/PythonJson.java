package io.qwenops.inference.api.chat;

import java.math.BigDecimal;
import java.util.Collection;
import java.util.Map;

/**
 * JSON text exactly as Python's {@code json.dumps(x, ensure_ascii=False)} writes it: {@code ", "}
 * and {@code ": "} separators, keys in insertion order, non-ASCII kept. Chat templates print tool
 * schemas with {@code tojson}, and the model was trained on that spelling, so it must match
 * transformers byte for byte.
 */
public final class PythonJson {

  private PythonJson() {}

  public static String dumps(Object value) {
    StringBuilder out = new StringBuilder();
    write(out, value);
    return out.toString();
  }

  private static void write(StringBuilder out, Object value) {
    switch (value) {
      case null -> out.append("null");
      case String s -> string(out, s);
      case Boolean b -> out.append(b ? "true" : "false");
      case Double d -> out.append(pythonFloat(d));
      case Float f -> out.append(pythonFloat(f.doubleValue()));
      case BigDecimal d -> out.append(pythonFloat(d.doubleValue()));
      case Number n -> out.append(n.toString());
      case Map<?, ?> map -> {
        out.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> e : map.entrySet()) {
          if (!first) {
            out.append(", ");
          }
          first = false;
          string(out, String.valueOf(e.getKey()));
          out.append(": ");
          write(out, e.getValue());
        }
        out.append('}');
      }
      case Collection<?> list -> {
        out.append('[');
        boolean first = true;
        for (Object item : list) {
          if (!first) {
            out.append(", ");
          }
          first = false;
          write(out, item);
        }
        out.append(']');
      }
      case Object[] array -> write(out, java.util.Arrays.asList(array));
      default -> string(out, value.toString());
    }
  }

  /** Python's float repr: shortest round-trip digits, {@code 1.0} not {@code 1}, 1e+16 style. */
  private static String pythonFloat(double d) {
    if (Double.isNaN(d)) {
      return "NaN";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "Infinity" : "-Infinity";
    }
    String java = Double.toString(d);
    int e = java.indexOf('E');
    if (e < 0) {
      return java;
    }
    int exp = Integer.parseInt(java.substring(e + 1));
    if (exp >= -4 && exp < 16) {
      // Python keeps positional notation in this range; Java switches to E notation earlier.
      String plain = new BigDecimal(java).toPlainString();
      return plain.contains(".") ? plain : plain + ".0";
    }
    // Java prints 1.0E-5 / 1.0E16; Python prints 1e-05 / 1e+16.
    String mantissa = java.substring(0, e);
    if (mantissa.endsWith(".0")) {
      mantissa = mantissa.substring(0, mantissa.length() - 2);
    }
    String digits = String.format("%02d", Math.abs(exp));
    return mantissa + "e" + (exp < 0 ? "-" : "+") + digits;
  }

  private static void string(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
