package io.qwenops.inference.guided;

import java.io.ByteArrayOutputStream;

/**
 * Inside a JSON object: declared properties at most once each, undeclared ones only where the
 * schema admits them, and the closing brace only once every required property is there.
 */
final class ObjectFrame extends JsonValueFrame.Container {

  static final int FIRST = 0; // after '{': a key or '}'
  static final int KEY = 1; // after ',': a key
  static final int COLON = 2; // after a key
  static final int VALUE = 3; // waiting for the value of the key
  static final int AFTER = 4; // after a value: ',' or '}'

  final JsonSchema schema;
  final long seen;
  final int phase;
  final int whitespace;
  final JsonSchema pending; // the value's schema, from COLON on
  final JsonValueFrame.Container up;

  ObjectFrame(
      JsonSchema schema,
      long seen,
      int phase,
      int whitespace,
      JsonSchema pending,
      JsonValueFrame.Container up) {
    this.schema = schema;
    this.seen = seen;
    this.phase = phase;
    this.whitespace = whitespace;
    this.pending = pending;
    this.up = up;
  }

  @Override
  int depth() {
    return up.depth() + 1;
  }

  @Override
  JsonValueFrame afterValue() {
    return new ObjectFrame(schema, seen, AFTER, 0, null, up);
  }

  private boolean complete() {
    return (seen & schema.required()) == schema.required();
  }

  /** Whether another key can still be written (so a comma leads somewhere). */
  private boolean anotherKey() {
    long all = schema.propertyCount() == 64 ? -1L : (1L << schema.propertyCount()) - 1;
    return schema.additionalSchema() != null || (seen & all) != all;
  }

  /** The value's frame once its key is read (null when the key may not be used). */
  JsonValueFrame keyRead(int property) {
    if (property >= 0) {
      if ((seen & (1L << property)) != 0) {
        return null;
      }
      return new ObjectFrame(
          schema, seen | (1L << property), COLON, 0, schema.properties().get(property), up);
    }
    JsonSchema extra = schema.additionalSchema();
    return extra == null ? null : new ObjectFrame(schema, seen, COLON, 0, extra, up);
  }

  @Override
  JsonValueFrame feed(int c) {
    if (whitespace(c)) {
      return phase != VALUE && whitespace < MAX_WHITESPACE_RUN
          ? new ObjectFrame(schema, seen, phase, whitespace + 1, pending, up)
          : null;
    }
    switch (phase) {
      case FIRST:
        if (c == '}') {
          return complete() ? up.afterValue() : null;
        }
        return c == '"' ? new KeyFrame(this, 0, 0, StringLexer.CLEAN, false) : null;
      case KEY:
        return c == '"' ? new KeyFrame(this, 0, 0, StringLexer.CLEAN, false) : null;
      case COLON:
        return c == ':'
            ? JsonValueFrame.start(pending, new ObjectFrame(schema, seen, VALUE, 0, pending, up))
            : null;
      case AFTER:
        if (c == ',') {
          return anotherKey() ? new ObjectFrame(schema, seen, KEY, 0, null, up) : null;
        }
        return c == '}' && complete() ? up.afterValue() : null;
      default:
        return null;
    }
  }

  @Override
  void closing(ByteArrayOutputStream out) {
    switch (phase) {
      case COLON -> {
        out.write(':');
        out.writeBytes(pending.minimal());
        closeMembers(out, seen, true);
      }
      case KEY -> {
        long s = seen;
        int next = firstMissing(s);
        if (next < 0) {
          next = firstUnseen(s);
        }
        if (next >= 0) {
          writeMember(out, next);
          s |= 1L << next;
        } else {
          out.writeBytes("\"\":".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
          out.writeBytes(schema.additionalSchema().minimal());
        }
        closeMembers(out, s, true);
      }
      default -> closeMembers(out, seen, phase == AFTER);
    }
  }

  /** The missing required members, then the brace, then whatever is around. */
  void closeMembers(ByteArrayOutputStream out, long s, boolean comma) {
    for (int p = firstMissing(s); p >= 0; p = firstMissing(s)) {
      if (comma) {
        out.write(',');
      }
      comma = true;
      writeMember(out, p);
      s |= 1L << p;
    }
    out.write('}');
    up.afterValue().closing(out);
  }

  private void writeMember(ByteArrayOutputStream out, int p) {
    out.write('"');
    out.writeBytes(schema.propertyNames().name(p));
    out.write('"');
    out.write(':');
    out.writeBytes(schema.properties().get(p).minimal());
  }

  private int firstMissing(long s) {
    long missing = schema.required() & ~s;
    return missing == 0 ? -1 : Long.numberOfTrailingZeros(missing);
  }

  private int firstUnseen(long s) {
    for (int p = 0; p < schema.propertyCount(); p++) {
      if ((s & (1L << p)) == 0) {
        return p;
      }
    }
    return -1;
  }

  /**
   * A key being written: it follows the declared names' trie while it can, and becomes an
   * undeclared key (no escapes, so it cannot spell a declared name another way) where the schema
   * admits those.
   */
  static final class KeyFrame extends JsonValueFrame {
    final ObjectFrame object;
    final int node; // in the names' trie, -1 once off it
    final int length;
    final long lexer;
    final boolean escaped; // a backslash so far: the key may not leave the trie

    KeyFrame(ObjectFrame object, int node, int length, long lexer, boolean escaped) {
      this.object = object;
      this.node = node;
      this.length = length;
      this.lexer = lexer;
      this.escaped = escaped;
    }

    @Override
    JsonValueFrame feed(int c) {
      NameTrie names = object.schema.propertyNames();
      if (c == '"' && lexer == StringLexer.CLEAN) {
        int property = node >= 0 ? names.index(node) : -1;
        return object.keyRead(property);
      }
      int next = node >= 0 ? names.next(node, (byte) c) : -1;
      boolean backslash = escaped || c == '\\';
      boolean undeclared = object.schema.additionalSchema() != null && !backslash;
      if (next < 0 && !undeclared) {
        return null;
      }
      if (next >= 0 && !undeclared && (names.namesBelow(next) & ~object.seen) == 0) {
        return null; // only names already used go on from here
      }
      long lex = StringLexer.next(lexer, c);
      if (lex == StringLexer.REFUSED) {
        return null;
      }
      return new KeyFrame(object, next, length + 1, lex, backslash);
    }

    @Override
    void closing(ByteArrayOutputStream out) {
      NameTrie names = object.schema.propertyNames();
      if (node >= 0) {
        // The shortest unused declared name that goes on from here.
        for (int p = 0; p < object.schema.propertyCount(); p++) {
          byte[] name = names.name(p);
          if ((object.seen & (1L << p)) == 0 && names.startsWith(p, node, length)) {
            out.write(name, length, name.length - length);
            out.write('"');
            object.keyRead(p).closing(out);
            return;
          }
        }
      }
      // An undeclared key: as it is, or lengthened until it names no property already used.
      out.writeBytes(StringLexer.closing(lexer));
      JsonValueFrame key = this;
      for (int c : StringLexer.closing(lexer)) {
        key = key.feed(c & 0xFF);
      }
      JsonValueFrame read = key.feed('"');
      while (read == null) {
        out.write('_');
        key = key.feed('_');
        if (key == null) {
          throw new IllegalStateException("a key that cannot close");
        }
        read = key.feed('"');
      }
      out.write('"');
      read.closing(out);
    }
  }
}
