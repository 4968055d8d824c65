package io.qwenops.inference.guided;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** The frames of values without members: strings, numbers, literals and enumerated values. */
final class ScalarFrames {

  /** Longest number written, so that a model cannot run on in digits. */
  static final int MAX_NUMBER_BYTES = 32;

  private ScalarFrames() {}

  /** Inside a string value. */
  static final class StringValue extends JsonValueFrame {
    final long lexer;
    final JsonValueFrame.Container up;
    final StringValue clean; // this string between characters: a character's end returns to it

    StringValue(long lexer, JsonValueFrame.Container up) {
      this(lexer, up, null);
    }

    private StringValue(long lexer, JsonValueFrame.Container up, StringValue clean) {
      this.lexer = lexer;
      this.up = up;
      this.clean = lexer == StringLexer.CLEAN ? this : clean;
    }

    /** Between characters: a run of plain characters leaves this frame as it is. */
    boolean clean() {
      return lexer == StringLexer.CLEAN;
    }

    @Override
    boolean plainTextStable() {
      return clean();
    }

    @Override
    JsonValueFrame feed(int c) {
      if (lexer == StringLexer.CLEAN) {
        if (c == '"') {
          return up.afterValue();
        }
        if (StringLexer.plain(c)) {
          return this;
        }
      }
      long next = StringLexer.next(lexer, c);
      if (next == StringLexer.CLEAN) {
        return clean != null ? clean : new StringValue(next, up);
      }
      return next == StringLexer.REFUSED ? null : new StringValue(next, up, clean);
    }

    @Override
    void closing(ByteArrayOutputStream out) {
      out.writeBytes(StringLexer.closing(lexer));
      out.write('"');
      up.afterValue().closing(out);
    }
  }

  /** Inside a number (RFC 8259 grammar; integers only when the schema says integer). */
  static final class NumberValue extends JsonValueFrame {
    private static final int MINUS = 0;
    private static final int ZERO = 1;
    private static final int INT = 2;
    private static final int DOT = 3;
    private static final int FRAC = 4;
    private static final int E = 5;
    private static final int E_SIGN = 6;
    private static final int EXP = 7;

    final int state;
    final boolean integer;
    final int length;
    final JsonValueFrame.Container up;

    private NumberValue(int state, boolean integer, int length, JsonValueFrame.Container up) {
      this.state = state;
      this.integer = integer;
      this.length = length;
      this.up = up;
    }

    static JsonValueFrame begin(int c, boolean integer, JsonValueFrame.Container up) {
      int state = c == '-' ? MINUS : c == '0' ? ZERO : INT;
      return new NumberValue(state, integer, 1, up);
    }

    private boolean complete() {
      return state == ZERO || state == INT || state == FRAC || state == EXP;
    }

    @Override
    boolean mayEnd() {
      return complete() && up.afterValue().mayEnd();
    }

    @Override
    JsonValueFrame feed(int c) {
      int next = next(c);
      if (next >= 0) {
        return length < MAX_NUMBER_BYTES ? new NumberValue(next, integer, length + 1, up) : null;
      }
      if (!complete()) {
        return null;
      }
      return up.afterValue().feed(c);
    }

    private int next(int c) {
      boolean digit = c >= '0' && c <= '9';
      boolean dot = c == '.' && !integer;
      boolean exponent = (c == 'e' || c == 'E') && !integer;
      return switch (state) {
        case MINUS -> c == '0' ? ZERO : digit ? INT : -1;
        case ZERO -> dot ? DOT : exponent ? E : -1;
        case INT -> digit ? INT : dot ? DOT : exponent ? E : -1;
        case DOT -> digit ? FRAC : -1;
        case FRAC -> digit ? FRAC : exponent ? E : -1;
        case E -> c == '+' || c == '-' ? E_SIGN : digit ? EXP : -1;
        default -> digit ? EXP : -1;
      };
    }

    @Override
    void closing(ByteArrayOutputStream out) {
      if (!complete()) {
        out.write('0');
      }
      up.afterValue().closing(out);
    }
  }

  /** Inside {@code true}, {@code false} or {@code null}. */
  static final class Literal extends JsonValueFrame {
    final String word;
    final int at;
    final JsonValueFrame.Container up;

    Literal(String word, int at, JsonValueFrame.Container up) {
      this.word = word;
      this.at = at;
      this.up = up;
    }

    @Override
    JsonValueFrame feed(int c) {
      if (c != word.charAt(at)) {
        return null;
      }
      return at + 1 == word.length() ? up.afterValue() : new Literal(word, at + 1, up);
    }

    @Override
    void closing(ByteArrayOutputStream out) {
      out.writeBytes(word.substring(at).getBytes(StandardCharsets.US_ASCII));
      up.afterValue().closing(out);
    }
  }

  /** One of the listed values (enum, const), written exactly as compact JSON. */
  static final class EnumValue extends JsonValueFrame {
    final NameTrie values;
    final int node;
    final int length;
    final JsonValueFrame.Container up;

    private EnumValue(NameTrie values, int node, int length, JsonValueFrame.Container up) {
      this.values = values;
      this.node = node;
      this.length = length;
      this.up = up;
    }

    static JsonValueFrame begin(NameTrie values, int c, JsonValueFrame.Container up) {
      return new EnumValue(values, 0, 0, up).feed(c);
    }

    @Override
    JsonValueFrame feed(int c) {
      int next = values.next(node, (byte) c);
      if (next >= 0) {
        // A value that nothing longer continues is complete with its last byte.
        return values.isLeaf(next) && values.isName(next)
            ? up.afterValue()
            : new EnumValue(values, next, length + 1, up);
      }
      // A listed number followed by what follows a value (1 of [1, 12] before a comma).
      return values.isName(node) ? up.afterValue().feed(c) : null;
    }

    @Override
    boolean mayEnd() {
      return values.isName(node) && up.afterValue().mayEnd();
    }

    @Override
    void closing(ByteArrayOutputStream out) {
      byte[] shortest = values.shortestName(node);
      out.write(shortest, length, shortest.length - length);
      up.afterValue().closing(out);
    }
  }
}
