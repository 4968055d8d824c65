package io.qwenops.inference.engine;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds stop strings in streamed text across token boundaries with one Aho–Corasick automaton over
 * all of them, so each new character costs amortised O(1) whatever the number of stop strings. Text
 * that might be the start of a stop string is held back (at most the longest stop string's length
 * less one); once a stop string is complete, only the text before it is released. The first stop
 * string to complete wins (the longest of those completing at the same character), as when the text
 * arrives one character at a time.
 */
final class StopStringMatcher {

  /** What to emit now, and whether a stop string ended the stream. */
  record Result(String text, boolean stopped) {}

  /** A trie node: the text from the root is a prefix of some stop string. */
  private static final class Node {
    final Map<Character, Node> next = new HashMap<>();
    final int depth;
    Node fail;

    /** The longest stop string that is a suffix of this node's text; 0 for none. */
    int stopLength;

    Node(int depth) {
      this.depth = depth;
    }
  }

  private final Node root = new Node(0);
  private final boolean empty;
  private final StringBuilder held = new StringBuilder();
  private Node state = root;

  StopStringMatcher(List<String> stops) {
    boolean none = true;
    for (String stop : stops) {
      if (stop.isEmpty()) {
        continue;
      }
      none = false;
      Node n = root;
      for (int i = 0; i < stop.length(); i++) {
        int depth = i + 1;
        n = n.next.computeIfAbsent(stop.charAt(i), c -> new Node(depth));
      }
      n.stopLength = stop.length();
    }
    this.empty = none;
    linkFailures();
  }

  /** Breadth first: each node's failure link is the longest proper suffix that is also a prefix. */
  private void linkFailures() {
    ArrayDeque<Node> queue = new ArrayDeque<>();
    root.fail = root;
    for (Node child : root.next.values()) {
      child.fail = root;
      queue.add(child);
    }
    while (!queue.isEmpty()) {
      Node n = queue.poll();
      if (n.stopLength == 0) {
        n.stopLength = n.fail.stopLength;
      }
      for (Map.Entry<Character, Node> e : n.next.entrySet()) {
        Node child = e.getValue();
        child.fail = step(n.fail, e.getKey());
        queue.add(child);
      }
    }
  }

  private Node step(Node from, char c) {
    Node n = from;
    while (true) {
      Node to = n.next.get(c);
      if (to != null) {
        return to;
      }
      if (n == root) {
        return root;
      }
      n = n.fail;
    }
  }

  Result accept(String text) {
    return accept(text, true);
  }

  /**
   * @param armed false while a completed stop string must not stop the stream ({@code min_tokens}):
   *     the text goes on, and a stop string that completes later still counts
   */
  Result accept(String text, boolean armed) {
    if (empty) {
      return new Result(text, false);
    }
    int start = held.length();
    held.append(text);
    for (int i = start; i < held.length(); i++) {
      state = step(state, held.charAt(i));
      if (armed && state.stopLength > 0) {
        String out = held.substring(0, i + 1 - state.stopLength);
        held.setLength(0);
        state = root;
        return new Result(out, true);
      }
    }
    // Everything before the automaton's state can no longer be part of a stop string.
    int release = held.length() - state.depth;
    String out = held.substring(0, release);
    held.delete(0, release);
    return new Result(out, false);
  }

  /** Text still held back, released when the stream ends for another reason. */
  String flush() {
    String out = held.toString();
    held.setLength(0);
    state = root;
    return out;
  }
}
