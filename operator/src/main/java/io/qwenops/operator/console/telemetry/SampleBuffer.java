package io.qwenops.operator.console.telemetry;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * A pod's rolling buffer of exporter {@code sample} frames (verbatim JSON), by their {@code
 * timeMs}: the last {@code keepMs} (15 minutes) relative to the newest sample. Not thread-safe; its
 * link guards it.
 */
final class SampleBuffer {

  private record Entry(long timeMs, String json) {}

  private final long keepMs;
  private final ArrayDeque<Entry> entries = new ArrayDeque<>();

  SampleBuffer(long keepMs) {
    this.keepMs = keepMs;
  }

  /** Adds a sample newer than every buffered one; returns false (and keeps nothing) otherwise. */
  boolean add(long timeMs, String json) {
    if (!entries.isEmpty() && timeMs <= entries.peekLast().timeMs()) {
      return false;
    }
    entries.addLast(new Entry(timeMs, json));
    while (!entries.isEmpty() && entries.peekFirst().timeMs() < timeMs - keepMs) {
      entries.removeFirst();
    }
    return true;
  }

  /** The samples of the last {@code seconds} before the newest one, oldest first. */
  List<String> last(long seconds) {
    List<String> out = new ArrayList<>();
    if (entries.isEmpty()) {
      return out;
    }
    long from = entries.peekLast().timeMs() - seconds * 1000;
    for (Iterator<Entry> it = entries.descendingIterator(); it.hasNext(); ) {
      Entry e = it.next();
      if (e.timeMs() <= from) {
        break;
      }
      out.add(e.json());
    }
    java.util.Collections.reverse(out);
    return out;
  }

  int size() {
    return entries.size();
  }
}
