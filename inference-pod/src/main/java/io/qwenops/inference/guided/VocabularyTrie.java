package io.qwenops.inference.guided;

import java.util.Arrays;

/**
 * Every text token's bytes as one trie, laid out in preorder, so that a grammar finds all the
 * tokens it allows in one walk that feeds each shared prefix once and skips the whole subtree of a
 * refused byte (instead of replaying every token's bytes: ~150k tokens, ~1M bytes per step).
 */
final class VocabularyTrie {

  private final byte[] edge; // the byte into each node; node 0 is the root
  private final int[] depth;
  private final int[] subtreeEnd; // the first node after this node's subtree
  private final int[] firstToken; // a token spelled by the path to this node, or -1
  private final int[] nextToken; // another token with the same bytes, or -1
  private final int maxDepth;
  private final boolean[] plainText; // per token: whole plain string characters
  private final boolean[] plainSubtree; // per node: every token below is plain string text

  VocabularyTrie(byte[][] bytes, boolean[] text, boolean[] plainText) {
    this.plainText = plainText;
    Integer[] ids =
        java.util.stream.IntStream.range(0, bytes.length)
            .filter(i -> text[i])
            .boxed()
            .toArray(Integer[]::new);
    Arrays.sort(ids, (a, b) -> Arrays.compareUnsigned(bytes[a], bytes[b]));
    int total = 1;
    for (int id : ids) {
      total += bytes[id].length;
    }
    byte[] edges = new byte[total];
    int[] depths = new int[total];
    int[] ends = new int[total];
    int[] first = new int[total];
    Arrays.fill(first, -1);
    nextToken = new int[bytes.length];
    Arrays.fill(nextToken, -1);
    int longest = 0;
    for (int id : ids) {
      longest = Math.max(longest, bytes[id].length);
    }
    int[] path = new int[longest + 2];
    int open = 1; // path[0] is the root
    int nodes = 1;
    byte[] previous = new byte[0];
    int deepest = 0;
    for (int id : ids) {
      byte[] b = bytes[id];
      int common = Arrays.mismatch(previous, b);
      if (common < 0) {
        common = b.length; // the same bytes as the previous token
      }
      while (open - 1 > common) {
        ends[path[--open]] = nodes;
      }
      for (int k = common; k < b.length; k++) {
        edges[nodes] = b[k];
        depths[nodes] = k + 1;
        path[open++] = nodes++;
      }
      int at = path[open - 1];
      nextToken[id] = first[at];
      first[at] = id;
      previous = b;
      deepest = Math.max(deepest, b.length);
    }
    while (open > 0) {
      ends[path[--open]] = nodes;
    }
    edge = Arrays.copyOf(edges, nodes);
    depth = Arrays.copyOf(depths, nodes);
    subtreeEnd = Arrays.copyOf(ends, nodes);
    firstToken = Arrays.copyOf(first, nodes);
    maxDepth = deepest;
    plainSubtree = new boolean[nodes];
    for (int n = nodes - 1; n >= 0; n--) {
      boolean plain = true;
      for (int t = firstToken[n]; t >= 0 && plain; t = nextToken[t]) {
        plain = plainText[t];
      }
      // Children lie in (n, subtreeEnd[n]); the first child is n + 1, each next one after the
      // last's
      // subtree.
      for (int c = n + 1; c < subtreeEnd[n] && plain; c = subtreeEnd[c]) {
        plain = plainSubtree[c];
      }
      plainSubtree[n] = plain;
    }
  }

  int nodes() {
    return edge.length;
  }

  /**
   * Marks in {@code allowed} every token whose bytes all feed from {@code root} (others are left as
   * they are). Inside a string, where plain text leaves the state as it is, every plain token is
   * allowed at once and only the subtrees holding other tokens (a quote, an escape, part of a
   * character) are walked.
   */
  void allowed(JsonValueFrame root, boolean[] allowed) {
    boolean stable = root.plainTextStable();
    if (stable) {
      for (int t = 0; t < plainText.length; t++) {
        allowed[t] |= plainText[t];
      }
    }
    JsonValueFrame[] at = new JsonValueFrame[maxDepth + 1];
    at[0] = root;
    int n = 1;
    while (n < edge.length) {
      if (stable && plainSubtree[n]) {
        n = subtreeEnd[n];
        continue;
      }
      JsonValueFrame next = at[depth[n] - 1].feed(edge[n] & 0xFF);
      if (next == null) {
        n = subtreeEnd[n];
        continue;
      }
      at[depth[n]] = next;
      for (int t = firstToken[n]; t >= 0; t = nextToken[t]) {
        allowed[t] = true;
      }
      n++;
    }
  }
}
