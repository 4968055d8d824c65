package io.qwenops.inference.engine;

import java.util.List;

/**
 * Finds stop strings in streamed text across token boundaries. Text that might be the start of a
 * stop string is held back; once a stop string appears, only the text before it is released.
 */
final class StopStringMatcher {

  /** What to emit now, and whether a stop string ended the stream. */
  record Result(String text, boolean stopped) {}

  private final List<String> stops;
  private final StringBuilder held = new StringBuilder();

  StopStringMatcher(List<String> stops) {
    this.stops = stops.stream().filter(s -> !s.isEmpty()).toList();
  }

  Result accept(String text) {
    if (stops.isEmpty()) {
      return new Result(text, false);
    }
    held.append(text);
    int first = -1;
    for (String stop : stops) {
      int at = held.indexOf(stop);
      if (at >= 0 && (first < 0 || at < first)) {
        first = at;
      }
    }
    if (first >= 0) {
      String out = held.substring(0, first);
      held.setLength(0);
      return new Result(out, true);
    }
    int keep = longestSuffixThatStartsAStop();
    String out = held.substring(0, held.length() - keep);
    held.delete(0, held.length() - keep);
    return new Result(out, false);
  }

  /** Text still held back, released when the stream ends for another reason. */
  String flush() {
    String out = held.toString();
    held.setLength(0);
    return out;
  }

  private int longestSuffixThatStartsAStop() {
    int best = 0;
    for (String stop : stops) {
      for (int len = Math.min(stop.length() - 1, held.length()); len > best; len--) {
        if (held.toString().regionMatches(held.length() - len, stop, 0, len)) {
          best = len;
          break;
        }
      }
    }
    return best;
  }
}
