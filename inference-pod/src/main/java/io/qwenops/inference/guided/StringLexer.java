package io.qwenops.inference.guided;

/**
 * The inside of a JSON string, byte by byte (RFC 8259 escapes, well-formed UTF-8, surrogate escapes
 * in pairs), as a packed {@code long} so that a frame's state costs no allocation. {@link #CLEAN}
 * is between characters, where the closing quote may come. Every state it accepts can still close.
 */
final class StringLexer {

  static final long CLEAN = 0;
  static final long REFUSED = -1;

  private static final int ESCAPE = 1;
  private static final int HEX = 2;
  private static final int UTF8 = 3;
  private static final int NEED_BACKSLASH = 4; // after a high surrogate's escape: its low half
  private static final int NEED_U = 5;

  private StringLexer() {}

  private static int mode(long s) {
    return (int) (s & 7);
  }

  private static int left(long s) {
    return (int) ((s >>> 3) & 7);
  }

  private static int low(long s) {
    return (int) ((s >>> 8) & 0xFF);
  }

  private static int high(long s) {
    return (int) ((s >>> 16) & 0xFF);
  }

  private static int hex(long s) {
    return (int) ((s >>> 24) & 0xFFFF);
  }

  private static boolean lowHalf(long s) {
    return ((s >>> 40) & 1) != 0;
  }

  private static long pack(int mode, int left, int low, int high, int hex, boolean lowHalf) {
    return mode
        | ((long) left << 3)
        | ((long) low << 8)
        | ((long) high << 16)
        | ((long) hex << 24)
        | (lowHalf ? 1L << 40 : 0);
  }

  /** Whether {@code c} is a character that stands for itself in a string (ASCII, not " or \). */
  static boolean plain(int c) {
    return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
  }

  /**
   * The state after {@code c} (the closing quote is the caller's: it is never fed here), or {@link
   * #REFUSED}.
   */
  static long next(long s, int c) {
    switch (mode(s)) {
      case 0:
        if (c == '\\') {
          return pack(ESCAPE, 0, 0, 0, 0, false);
        }
        if (c < 0x20 || c == '"') {
          return REFUSED;
        }
        if (c < 0x80) {
          return CLEAN;
        }
        // A UTF-8 lead byte: how many continuation bytes follow, and the range of the first one
        // (which rules out overlong forms and surrogates).
        if (c >= 0xC2 && c <= 0xDF) {
          return pack(UTF8, 1, 0x80, 0xBF, 0, false);
        }
        if (c >= 0xE0 && c <= 0xEF) {
          return pack(UTF8, 2, c == 0xE0 ? 0xA0 : 0x80, c == 0xED ? 0x9F : 0xBF, 0, false);
        }
        if (c >= 0xF0 && c <= 0xF4) {
          return pack(UTF8, 3, c == 0xF0 ? 0x90 : 0x80, c == 0xF4 ? 0x8F : 0xBF, 0, false);
        }
        return REFUSED;
      case ESCAPE:
        if (c == 'u') {
          return pack(HEX, 4, 0, 0, 0, false);
        }
        return "\"\\/bfnrt".indexOf(c) >= 0 ? CLEAN : REFUSED;
      case HEX:
        return hexDigit(s, c);
      case UTF8:
        if (c < low(s) || c > high(s)) {
          return REFUSED;
        }
        return left(s) == 1 ? CLEAN : pack(UTF8, left(s) - 1, 0x80, 0xBF, 0, false);
      case NEED_BACKSLASH:
        return c == '\\' ? pack(NEED_U, 0, 0, 0, 0, false) : REFUSED;
      case NEED_U:
        return c == 'u' ? pack(HEX, 4, 0, 0, 0, true) : REFUSED;
      default:
        return REFUSED;
    }
  }

  /**
   * A {@code \\uXXXX} digit. The first two digits already tell a surrogate: a low half is refused
   * unless it completes a pair, and a high half must be followed by its low half.
   */
  private static long hexDigit(long s, int c) {
    int d = Character.digit(c, 16);
    if (d < 0 || c > 0x7F) {
      return REFUSED;
    }
    int value = (hex(s) << 4) | d;
    int left = left(s) - 1;
    boolean lowHalf = lowHalf(s);
    if (left == 3 && lowHalf && d != 0xD) {
      return REFUSED;
    }
    if (left == 2) {
      boolean isLow = value >= 0xDC && value <= 0xDF;
      if (isLow != lowHalf) {
        return REFUSED;
      }
    }
    if (left > 0) {
      return pack(HEX, left, 0, 0, value, lowHalf);
    }
    boolean high = value >= 0xD800 && value <= 0xDBFF;
    return high ? pack(NEED_BACKSLASH, 0, 0, 0, 0, false) : CLEAN;
  }

  /** The shortest bytes that bring {@code s} back to {@link #CLEAN}. */
  static byte[] closing(long s) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    byte[] tries = {'0', 'd', 'c', '\\', 'u'};
    while (s != CLEAN) {
      long before = s;
      if (mode(s) == UTF8) {
        out.write(low(s));
        s = next(s, low(s));
        continue;
      }
      for (byte t : tries) {
        long n = next(s, t);
        if (n != REFUSED) {
          out.write(t);
          s = n;
          break;
        }
      }
      if (s == before) {
        throw new IllegalStateException("no way back to a clean string state");
      }
    }
    return out.toByteArray();
  }
}
