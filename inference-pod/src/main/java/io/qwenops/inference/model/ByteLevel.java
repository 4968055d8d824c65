package io.qwenops.inference.model;

/**
 * GPT-2's byte-level alphabet: every byte 0..255 is spelled as one printable Unicode character in
 * the vocabulary. Decoding a token string back to bytes inverts that map.
 */
final class ByteLevel {

  private static final int[] BYTE_OF_CHAR = new int[512];

  static {
    java.util.Arrays.fill(BYTE_OF_CHAR, -1);
    int extra = 0;
    for (int b = 0; b < 256; b++) {
      boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE);
      int ch = printable ? b : 256 + extra++;
      BYTE_OF_CHAR[ch] = b;
    }
  }

  private ByteLevel() {}

  static byte[] decode(String token) {
    byte[] out = new byte[token.length()];
    int n = 0;
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      int b = c < BYTE_OF_CHAR.length ? BYTE_OF_CHAR[c] : -1;
      if (b < 0) {
        // Not in the byte alphabet (should not happen in a byte-level vocab): keep its UTF-8.
        byte[] raw = String.valueOf(c).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] grown = new byte[out.length + raw.length];
        System.arraycopy(out, 0, grown, 0, n);
        out = grown;
        System.arraycopy(raw, 0, out, n, raw.length);
        n += raw.length;
      } else {
        out[n++] = (byte) b;
      }
    }
    return n == out.length ? out : java.util.Arrays.copyOf(out, n);
  }
}
