package io.qwenops.inference.guided;

import java.io.ByteArrayOutputStream;

/**
 * Checks, byte by byte, that text is the beginning of one JSON object (RFC 8259; UTF-8 inside
 * strings), and knows the shortest bytes that would finish it. Used to constrain generated tool
 * call arguments: every prefix it accepts can still become a valid object. Runs of whitespace
 * between tokens are capped, and so is nesting depth, so that a model cannot stall in them.
 */
final class JsonObjectPrefix {

  static final int MAX_DEPTH = 8;
  static final int MAX_WHITESPACE_RUN = 2;

  private enum Mode {
    START,
    FIRST_KEY_OR_END,
    KEY,
    COLON,
    VALUE,
    FIRST_VALUE_OR_END,
    AFTER_VALUE,
    STRING,
    NUMBER,
    LITERAL,
    DONE
  }

  private enum Num {
    MINUS,
    ZERO,
    INT,
    DOT,
    FRAC,
    E,
    E_SIGN,
    EXP
  }

  private Mode mode = Mode.START;
  private final byte[] stack;
  private int depth;
  private int whitespaceRun;
  private boolean keyString;
  private boolean escape;
  private int hexLeft;
  private int utf8Left;
  private int utf8Low = 0x80;
  private int utf8High = 0xBF;
  private Num number;
  private String literal;
  private int literalAt;

  JsonObjectPrefix() {
    stack = new byte[MAX_DEPTH];
  }

  private JsonObjectPrefix(JsonObjectPrefix o) {
    mode = o.mode;
    stack = o.stack.clone();
    depth = o.depth;
    whitespaceRun = o.whitespaceRun;
    keyString = o.keyString;
    escape = o.escape;
    hexLeft = o.hexLeft;
    utf8Left = o.utf8Left;
    utf8Low = o.utf8Low;
    utf8High = o.utf8High;
    number = o.number;
    literal = o.literal;
    literalAt = o.literalAt;
  }

  JsonObjectPrefix copy() {
    return new JsonObjectPrefix(this);
  }

  /**
   * Inside a string with no escape or character pending: any run of complete, unescaped characters
   * (see {@link TokenTable#isPlainStringText}) leaves the state exactly as it is.
   */
  boolean inPlainString() {
    return mode == Mode.STRING && !escape && hexLeft == 0 && utf8Left == 0;
  }

  /** The object is closed: nothing more may follow. */
  boolean done() {
    return mode == Mode.DONE;
  }

  /**
   * Consumes one byte.
   *
   * @return false when the byte cannot continue a JSON object (the state is then undefined: feed a
   *     copy when probing)
   */
  boolean feed(byte b) {
    int c = b & 0xFF;
    switch (mode) {
      case STRING:
        return string(c);
      case NUMBER:
        if (numberContinues(c)) {
          return true;
        }
        if (!numberComplete()) {
          return false;
        }
        mode = Mode.AFTER_VALUE;
        return feed(b);
      case LITERAL:
        if (c != literal.charAt(literalAt)) {
          return false;
        }
        if (++literalAt == literal.length()) {
          mode = Mode.AFTER_VALUE;
        }
        return true;
      case DONE:
        return false;
      default:
        break;
    }
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      return mode != Mode.START && ++whitespaceRun <= MAX_WHITESPACE_RUN;
    }
    whitespaceRun = 0;
    switch (mode) {
      case START:
        return c == '{' && open('{', Mode.FIRST_KEY_OR_END);
      case FIRST_KEY_OR_END:
        if (c == '}') {
          return close();
        }
        return c == '"' && startString(true);
      case KEY:
        return c == '"' && startString(true);
      case COLON:
        if (c != ':') {
          return false;
        }
        mode = Mode.VALUE;
        return true;
      case FIRST_VALUE_OR_END:
        if (c == ']') {
          return close();
        }
        return value(c);
      case VALUE:
        return value(c);
      case AFTER_VALUE:
        byte top = stack[depth - 1];
        if (c == ',') {
          mode = top == '{' ? Mode.KEY : Mode.VALUE;
          return true;
        }
        return (c == '}' && top == '{' || c == ']' && top == '[') && close();
      default:
        return false;
    }
  }

  /** The shortest bytes that close the object from here (empty when it is closed). */
  byte[] completion() {
    JsonObjectPrefix sim = copy();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while (!sim.done()) {
      byte next = sim.nextClosingByte();
      if (!sim.feed(next)) {
        throw new IllegalStateException("no completion from " + mode);
      }
      out.write(next);
    }
    return out.toByteArray();
  }

  private byte nextClosingByte() {
    return switch (mode) {
      case STRING -> {
        if (utf8Left > 0) {
          yield (byte) utf8Low;
        }
        if (escape) {
          yield 'n';
        }
        yield hexLeft > 0 ? (byte) '0' : (byte) '"';
      }
      case NUMBER -> numberComplete() ? closer() : (byte) '0';
      case LITERAL -> (byte) literal.charAt(literalAt);
      case START -> '{';
      case FIRST_KEY_OR_END -> '}';
      case KEY -> '"';
      case COLON -> ':';
      case VALUE -> 'n';
      case FIRST_VALUE_OR_END -> ']';
      case AFTER_VALUE -> closer();
      case DONE -> throw new IllegalStateException("closed");
    };
  }

  private byte closer() {
    return stack[depth - 1] == '{' ? (byte) '}' : (byte) ']';
  }

  private boolean value(int c) {
    switch (c) {
      case '"':
        return startString(false);
      case '{':
        return open('{', Mode.FIRST_KEY_OR_END);
      case '[':
        return open('[', Mode.FIRST_VALUE_OR_END);
      case '-':
        return startNumber(Num.MINUS);
      case '0':
        return startNumber(Num.ZERO);
      case 't':
        return startLiteral("true");
      case 'f':
        return startLiteral("false");
      case 'n':
        return startLiteral("null");
      default:
        return c >= '1' && c <= '9' && startNumber(Num.INT);
    }
  }

  private boolean open(char container, Mode next) {
    if (depth == MAX_DEPTH) {
      return false;
    }
    stack[depth++] = (byte) container;
    mode = next;
    return true;
  }

  private boolean close() {
    depth--;
    mode = depth == 0 ? Mode.DONE : Mode.AFTER_VALUE;
    return true;
  }

  private boolean startString(boolean key) {
    mode = Mode.STRING;
    keyString = key;
    return true;
  }

  private boolean startNumber(Num start) {
    mode = Mode.NUMBER;
    number = start;
    return true;
  }

  private boolean startLiteral(String word) {
    mode = Mode.LITERAL;
    literal = word;
    literalAt = 1;
    return true;
  }

  private boolean string(int c) {
    if (utf8Left > 0) {
      if (c < utf8Low || c > utf8High) {
        return false;
      }
      utf8Left--;
      utf8Low = 0x80;
      utf8High = 0xBF;
      return true;
    }
    if (escape) {
      escape = false;
      if (c == 'u') {
        hexLeft = 4;
        return true;
      }
      return "\"\\/bfnrt".indexOf(c) >= 0;
    }
    if (hexLeft > 0) {
      hexLeft--;
      return Character.digit(c, 16) >= 0;
    }
    if (c == '"') {
      mode = keyString ? Mode.COLON : Mode.AFTER_VALUE;
      return true;
    }
    if (c == '\\') {
      escape = true;
      return true;
    }
    if (c < 0x20) {
      return false;
    }
    if (c < 0x80) {
      return true;
    }
    // A UTF-8 lead byte: how many continuation bytes follow, and the range of the first one
    // (which rules out overlong forms and surrogates).
    if (c >= 0xC2 && c <= 0xDF) {
      return expect(1, 0x80, 0xBF);
    }
    if (c >= 0xE0 && c <= 0xEF) {
      return expect(2, c == 0xE0 ? 0xA0 : 0x80, c == 0xED ? 0x9F : 0xBF);
    }
    if (c >= 0xF0 && c <= 0xF4) {
      return expect(3, c == 0xF0 ? 0x90 : 0x80, c == 0xF4 ? 0x8F : 0xBF);
    }
    return false;
  }

  private boolean expect(int left, int low, int high) {
    utf8Left = left;
    utf8Low = low;
    utf8High = high;
    return true;
  }

  private boolean numberContinues(int c) {
    boolean digit = c >= '0' && c <= '9';
    boolean exponent = c == 'e' || c == 'E';
    Num next =
        switch (number) {
          case MINUS -> c == '0' ? Num.ZERO : digit ? Num.INT : null;
          case ZERO -> c == '.' ? Num.DOT : exponent ? Num.E : null;
          case INT -> digit ? Num.INT : c == '.' ? Num.DOT : exponent ? Num.E : null;
          case DOT -> digit ? Num.FRAC : null;
          case FRAC -> digit ? Num.FRAC : exponent ? Num.E : null;
          case E -> c == '+' || c == '-' ? Num.E_SIGN : digit ? Num.EXP : null;
          case E_SIGN, EXP -> digit ? Num.EXP : null;
        };
    if (next == null) {
      return false;
    }
    number = next;
    return true;
  }

  private boolean numberComplete() {
    return number == Num.ZERO || number == Num.INT || number == Num.FRAC || number == Num.EXP;
  }
}
