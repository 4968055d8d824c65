package io.qwenops.inference.guided;

import java.io.ByteArrayOutputStream;

/**
 * Checks, byte by byte, that text is the beginning of one JSON value that its {@link JsonSchema}
 * admits (RFC 8259, UTF-8 inside strings), and knows the shortest bytes that would finish it: every
 * prefix it accepts can still become a valid value. Runs of whitespace between tokens are capped,
 * and so are free nesting and number length, so that a model cannot stall in them. Copies are cheap
 * (the frames underneath are immutable).
 */
public final class JsonPrefix {

  private JsonValueFrame state;

  private JsonPrefix(JsonValueFrame state) {
    this.state = state;
  }

  /** Before the first byte of a value for {@code schema}. */
  public static JsonPrefix of(JsonSchema schema) {
    return new JsonPrefix(JsonValueFrame.start(schema, JsonValueFrame.Top.DONE));
  }

  JsonPrefix copy() {
    return new JsonPrefix(state);
  }

  JsonValueFrame state() {
    return state;
  }

  /**
   * Consumes one byte.
   *
   * @return false when the byte cannot continue the value (the state is then unchanged)
   */
  boolean feed(byte b) {
    JsonValueFrame next = state.feed(b & 0xFF);
    if (next == null) {
      return false;
    }
    state = next;
    return true;
  }

  /** The value is closed: nothing more may follow. */
  boolean done() {
    return state == JsonValueFrame.Top.DONE;
  }

  /** The text is a whole value (it may end here, even if more could follow, as after 12). */
  boolean mayEnd() {
    return state.mayEnd();
  }

  /**
   * Inside a free string with no escape or character pending: any run of complete, unescaped
   * characters (see {@link TokenTable#isPlainStringText}) leaves the state exactly as it is.
   */
  boolean inPlainString() {
    return state.plainTextStable();
  }

  /** The shortest bytes that close the value from here (empty when it is closed). */
  byte[] completion() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    state.closing(out);
    return out.toByteArray();
  }
}
