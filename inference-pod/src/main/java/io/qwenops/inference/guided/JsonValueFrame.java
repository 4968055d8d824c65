package io.qwenops.inference.guided;

import java.io.ByteArrayOutputStream;

/**
 * Where a JSON value stands against its {@link JsonSchema}, byte by byte: the innermost value being
 * written, linked to the containers around it. Frames are immutable, so probing a token from a
 * state costs no copy, and a byte that changes nothing (most of a string) returns the same frame.
 */
abstract class JsonValueFrame {

  /** Whitespace allowed between two tokens of JSON, so a model cannot stall in it. */
  static final int MAX_WHITESPACE_RUN = 2;

  /** Nesting allowed where the schema leaves it free (any JSON inside). */
  static final int MAX_FREE_DEPTH = 8;

  /** The frame after {@code c}, or null when {@code c} cannot come next. */
  abstract JsonValueFrame feed(int c);

  /** Whether the text so far is a whole value: the output may end here. */
  boolean mayEnd() {
    return false;
  }

  /**
   * Whether any run of plain string text (whole characters, no quote or backslash: {@link
   * TokenTable#isPlainStringText}) leaves this state as it is: inside a string, between characters.
   */
  boolean plainTextStable() {
    return false;
  }

  /** Appends the shortest bytes that finish the whole value from here. */
  abstract void closing(ByteArrayOutputStream out);

  static boolean whitespace(int c) {
    return c == ' ' || c == '\n' || c == '\t' || c == '\r';
  }

  /** The start of a value for {@code schema} inside {@code up}. */
  static JsonValueFrame start(JsonSchema schema, Container up) {
    return new ValueStart(schema, 0, up);
  }

  /** What waits for a value: an object, an array, or the top level. */
  abstract static class Container extends JsonValueFrame {

    /** Containers open around this one, this one included. */
    abstract int depth();

    /** This container once the value it waits for is complete. */
    abstract JsonValueFrame afterValue();
  }

  /** The top level, complete once its value is: nothing may follow. */
  static final class Top extends Container {

    static final Top DONE = new Top();

    private Top() {}

    @Override
    int depth() {
      return 0;
    }

    @Override
    JsonValueFrame afterValue() {
      return this;
    }

    @Override
    JsonValueFrame feed(int c) {
      return null;
    }

    @Override
    boolean mayEnd() {
      return true;
    }

    @Override
    void closing(ByteArrayOutputStream out) {}
  }

  /** Before a value's first byte (after a colon, a comma, an opening bracket or at the top). */
  static final class ValueStart extends JsonValueFrame {
    final JsonSchema schema;
    final int whitespace;
    final Container up;

    ValueStart(JsonSchema schema, int whitespace, Container up) {
      this.schema = schema;
      this.whitespace = whitespace;
      this.up = up;
    }

    @Override
    JsonValueFrame feed(int c) {
      if (whitespace(c)) {
        boolean top = up == Top.DONE;
        return !top && whitespace < MAX_WHITESPACE_RUN
            ? new ValueStart(schema, whitespace + 1, up)
            : null;
      }
      if (schema.anyOf() != null) {
        return Alternatives.fork(schema, c, up);
      }
      if (schema.enumValues() != null) {
        return ScalarFrames.EnumValue.begin(schema.enumValues(), c, up);
      }
      boolean free = up.depth() >= MAX_FREE_DEPTH && schema.isAny();
      switch (c) {
        case '{':
          return schema.admits(JsonSchema.OBJECT) && !free
              ? new ObjectFrame(schema, 0, ObjectFrame.FIRST, 0, null, up)
              : null;
        case '[':
          return schema.admits(JsonSchema.ARRAY) && !free
              ? new ArrayFrame(schema, 0, ArrayFrame.FIRST, 0, up)
              : null;
        case '"':
          return schema.admits(JsonSchema.STRING)
              ? new ScalarFrames.StringValue(StringLexer.CLEAN, up)
              : null;
        case 't':
        case 'f':
          return schema.admits(JsonSchema.BOOLEAN)
              ? new ScalarFrames.Literal(c == 't' ? "true" : "false", 1, up)
              : null;
        case 'n':
          return schema.admits(JsonSchema.NULL) ? new ScalarFrames.Literal("null", 1, up) : null;
        default:
          if (schema.admits(JsonSchema.INTEGER) && (c == '-' || (c >= '0' && c <= '9'))) {
            return ScalarFrames.NumberValue.begin(c, !schema.admits(JsonSchema.NUMBER), up);
          }
          return null;
      }
    }

    @Override
    void closing(ByteArrayOutputStream out) {
      out.writeBytes(schema.minimal());
      up.afterValue().closing(out);
    }
  }

  /** Several readings of the text so far (anyOf): the text is valid while one of them is. */
  static final class Alternatives extends JsonValueFrame {
    final JsonValueFrame[] frames;

    private Alternatives(JsonValueFrame[] frames) {
      this.frames = frames;
    }

    static JsonValueFrame fork(JsonSchema schema, int c, Container up) {
      java.util.List<JsonValueFrame> out = new java.util.ArrayList<>();
      for (JsonSchema alt : schema.anyOf()) {
        add(out, new ValueStart(alt, 0, up).feed(c));
      }
      return of(out);
    }

    private static void add(java.util.List<JsonValueFrame> out, JsonValueFrame f) {
      if (f instanceof Alternatives a) {
        java.util.Collections.addAll(out, a.frames);
      } else if (f != null) {
        out.add(f);
      }
    }

    private static JsonValueFrame of(java.util.List<JsonValueFrame> out) {
      return switch (out.size()) {
        case 0 -> null;
        case 1 -> out.get(0);
        default -> new Alternatives(out.toArray(new JsonValueFrame[0]));
      };
    }

    @Override
    JsonValueFrame feed(int c) {
      JsonValueFrame[] next = new JsonValueFrame[frames.length];
      boolean same = true;
      boolean flat = true;
      int live = 0;
      for (int i = 0; i < frames.length; i++) {
        next[i] = frames[i].feed(c);
        same &= next[i] == frames[i];
        flat &= !(next[i] instanceof Alternatives);
        live += next[i] == null ? 0 : 1;
      }
      if (same) {
        return this; // plain text inside strings: nothing to allocate
      }
      if (flat && live == frames.length) {
        return new Alternatives(next);
      }
      java.util.List<JsonValueFrame> out = new java.util.ArrayList<>(frames.length);
      for (JsonValueFrame f : next) {
        add(out, f);
      }
      return of(out);
    }

    @Override
    boolean plainTextStable() {
      for (JsonValueFrame f : frames) {
        if (!f.plainTextStable()) {
          return false;
        }
      }
      return true;
    }

    @Override
    boolean mayEnd() {
      for (JsonValueFrame f : frames) {
        if (f.mayEnd()) {
          return true;
        }
      }
      return false;
    }

    @Override
    void closing(ByteArrayOutputStream out) {
      byte[] best = null;
      for (JsonValueFrame f : frames) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        f.closing(o);
        if (best == null || o.size() < best.length) {
          best = o.toByteArray();
        }
      }
      out.writeBytes(best);
    }
  }
}
