package io.qwenops.inference.api.chat;

/**
 * Splits a streamed reply into content the client may see at once and a tail that holds tool calls.
 * Text that might be the start of {@code <tool_call>} is held back until it is clearly not;
 * everything from the first {@code <tool_call>} on is kept and parsed when the reply ends.
 */
public final class ToolCallStreamFilter {

  private final int maxCalls;
  private final StringBuilder pending = new StringBuilder();
  private final StringBuilder sentContent = new StringBuilder();
  private boolean inCalls;

  public ToolCallStreamFilter() {
    this(Integer.MAX_VALUE);
  }

  /**
   * @param maxCalls calls kept at the end (1 for {@code parallel_tool_calls: false})
   */
  public ToolCallStreamFilter(int maxCalls) {
    this.maxCalls = maxCalls;
  }

  /** Feeds a text delta; returns the content that is safe to stream now (may be empty). */
  public String accept(String delta) {
    pending.append(delta);
    if (inCalls) {
      return "";
    }
    int open = pending.indexOf(ToolCallParser.OPEN);
    if (open >= 0) {
      inCalls = true;
      return release(open);
    }
    return release(pending.length() - heldBackLength());
  }

  /**
   * At the end of the reply: the calls found in the held tail, and the content not yet streamed. If
   * the tail does not parse, it is returned as content (the client sees what the model wrote).
   */
  public ToolCallParser.Parsed finish() {
    String tail = pending.toString();
    pending.setLength(0);
    if (!inCalls) {
      return new ToolCallParser.Parsed(tail, java.util.List.of());
    }
    ToolCallParser.Parsed parsed = ToolCallParser.parse(tail, maxCalls);
    if (parsed.calls().isEmpty()) {
      return new ToolCallParser.Parsed(tail, java.util.List.of());
    }
    String rest = parsed.content() == null ? "" : parsed.content();
    return new ToolCallParser.Parsed(rest, parsed.calls());
  }

  /** Everything streamed as content so far. */
  public String sentContent() {
    return sentContent.toString();
  }

  private String release(int upTo) {
    String out = pending.substring(0, upTo);
    pending.delete(0, upTo);
    sentContent.append(out);
    return out;
  }

  /** Length of the longest suffix of the pending text that is a proper prefix of the open tag. */
  private int heldBackLength() {
    String open = ToolCallParser.OPEN;
    for (int len = Math.min(open.length() - 1, pending.length()); len > 0; len--) {
      if (pending.substring(pending.length() - len).equals(open.substring(0, len))) {
        return len;
      }
    }
    return 0;
  }
}
