package io.qwenops.inference.api.chat;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns a streamed reply into OpenAI's incremental deltas: content before the first {@code
 * <tool_call>} at once (text that might begin the tag is held until it clearly does not), then for
 * each block a first delta with the call's index, id and name as soon as its name string has
 * closed, and its {@code arguments} as they are generated. Call {@code k}'s fragments concatenate
 * to the {@code arguments} the plain answer returns for the same text.
 *
 * <p>A block whose JSON turns out malformed cannot be recalled. If it was not announced yet (its
 * name never completed), it and the rest of the reply stream as content, as the plain answer
 * returns text it cannot read. If it was announced, its deltas stand, nothing after it is read, and
 * {@link End#complete()} is false so that the finish reason is not "tool_calls". Blocks past the
 * {@code maxCalls}-th are neither announced nor sent as content.
 */
public final class ToolCallDeltas {

  /** One piece of the stream. */
  public sealed interface Delta {}

  public record Content(String text) implements Delta {}

  public record CallStart(int index, String id, String name) implements Delta {}

  public record CallArguments(int index, String fragment) implements Delta {}

  /** The deltas of the reply's end, and whether calls were announced and every one closed valid. */
  public record End(List<Delta> deltas, boolean complete) {}

  private final int maxCalls;
  private final StringBuilder pending = new StringBuilder();
  private final List<Delta> queued = new ArrayList<>();

  /** The reply from the first {@code <tool_call>} on. */
  private final StringBuilder tail = new StringBuilder();

  private boolean inCalls;
  private boolean plain;
  private boolean broken;
  private int scanned;
  private int bodyStart = -1;
  private ToolCallBody body;
  private int announced;
  private boolean current;

  /**
   * @param maxCalls calls announced at most (1 for {@code parallel_tool_calls: false})
   * @param forcedPrefix the reply's forced opening (part of the prompt), or ""; its deltas (a named
   *     call's start) come with the first {@link #accept}
   */
  public ToolCallDeltas(int maxCalls, String forcedPrefix) {
    this.maxCalls = maxCalls;
    queued.addAll(accept(forcedPrefix));
  }

  /** Feeds a text delta; returns what may be sent now, in order. */
  public List<Delta> accept(String delta) {
    List<Delta> out = new ArrayList<>(queued);
    queued.clear();
    if (plain) {
      add(out, delta);
      return out;
    }
    if (inCalls) {
      tail.append(delta);
      scan(out, false);
      return out;
    }
    pending.append(delta);
    int open = pending.indexOf(ToolCallParser.OPEN);
    if (open < 0) {
      add(out, release(pending.length() - heldBack(pending, ToolCallParser.OPEN)));
      return out;
    }
    add(out, release(open));
    inCalls = true;
    tail.append(pending);
    pending.setLength(0);
    scan(out, false);
    return out;
  }

  /** At the end of the reply: the last deltas, with any held text as content. */
  public End finish() {
    List<Delta> out = new ArrayList<>(queued);
    queued.clear();
    if (!inCalls) {
      add(out, release(pending.length()));
    } else if (!plain) {
      scan(out, true);
    }
    return new End(out, announced > 0 && !broken);
  }

  private void scan(List<Delta> out, boolean atEnd) {
    while (!plain && !broken) {
      if (body == null) {
        int open = announced < maxCalls ? tail.indexOf(ToolCallParser.OPEN, scanned) : -1;
        if (open < 0) {
          return;
        }
        bodyStart = open + ToolCallParser.OPEN.length();
        scanned = bodyStart;
        body = new ToolCallBody();
        current = false;
      }
      int close = tail.indexOf(ToolCallParser.CLOSE, bodyStart);
      int feedTo =
          close >= 0
              ? close
              : atEnd ? tail.length() : tail.length() - heldBack(tail, ToolCallParser.CLOSE);
      body.feed(tail.subSequence(scanned, Math.max(scanned, feedTo)));
      scanned = Math.max(scanned, feedTo);
      announce(out);
      if (close < 0 && !atEnd) {
        return;
      }
      closeBlock(out, tail.substring(bodyStart, close < 0 ? tail.length() : close));
      scanned = close < 0 ? tail.length() : close + ToolCallParser.CLOSE.length();
      body = null;
      if (close < 0) {
        return;
      }
    }
  }

  private void announce(List<Delta> out) {
    if (!current && body.name() != null && announced < maxCalls) {
      out.add(new CallStart(announced, ToolCallParser.newId(), body.name()));
      announced++;
      current = true;
    }
    if (current) {
      String fragment = body.takeArguments();
      if (!fragment.isEmpty()) {
        out.add(new CallArguments(announced - 1, fragment));
      }
    }
  }

  private void closeBlock(List<Delta> out, String text) {
    ToolCall call = ToolCallParser.readCall(text);
    if (call == null) {
      if (current) {
        broken = true;
      } else {
        plain = true;
        add(out, tail.substring(bodyStart - ToolCallParser.OPEN.length()));
      }
      return;
    }
    announce(out);
    if (!current) { // valid JSON the scanner did not name (it cannot miss one; guard the index)
      out.add(new CallStart(announced, call.id(), call.name()));
      announced++;
      current = true;
    }
    String streamed = body.argumentsTaken();
    String rest =
        call.arguments().startsWith(streamed)
            ? call.arguments().substring(streamed.length())
            : call.arguments();
    if (!rest.isEmpty()) {
      out.add(new CallArguments(announced - 1, rest));
    }
  }

  private String release(int upTo) {
    String text = pending.substring(0, upTo);
    pending.delete(0, upTo);
    return text;
  }

  private static void add(List<Delta> out, String text) {
    if (!text.isEmpty()) {
      out.add(new Content(text));
    }
  }

  /** Length of the longest suffix of {@code text} that is a proper prefix of {@code tag}. */
  static int heldBack(CharSequence text, String tag) {
    for (int len = Math.min(tag.length() - 1, text.length()); len > 0; len--) {
      if (text.subSequence(text.length() - len, text.length())
          .toString()
          .equals(tag.substring(0, len))) {
        return len;
      }
    }
    return 0;
  }
}
