package io.qwenops.inference.api.chat;

/** A chat template render that failed; {@link #kind()} says whose fault it is. */
public class ChatTemplateException extends RuntimeException {

  /** Why the render failed. */
  public enum Kind {
    /** The template refused the conversation ({@code raise_exception}): the client's to fix. */
    REJECTED,
    /** The render hit a bound (output size, loop iterations): the conversation is too big. */
    TOO_LARGE,
    /** The server's own template failed on its own (a syntax error, a bad expression). */
    BROKEN
  }

  private final Kind kind;

  public ChatTemplateException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
