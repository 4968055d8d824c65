package io.qwenops.inference.guided;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The declared function names as a byte trie, so that the name a guided tool call is spelling
 * advances by one lookup per byte whatever the number of tools (a scan of every name per byte made
 * a sampled step over 128 tools cost about half a second). Node 0 is the empty prefix.
 */
final class NameTrie {

  private final List<byte[]> keys = new ArrayList<>();
  private final List<int[]> children = new ArrayList<>();
  private final List<byte[]> shortest = new ArrayList<>();
  private final List<Integer> namesBelow = new ArrayList<>();
  private final List<Integer> index = new ArrayList<>();
  private final List<byte[]> names;
  private final List<Long> below = new ArrayList<>();

  NameTrie(List<byte[]> names) {
    this.names = List.copyOf(names);
    addNode();
    for (int i = 0; i < names.size(); i++) {
      byte[] name = names.get(i);
      int node = 0;
      bump(node, name);
      mark(node, i);
      for (byte b : name) {
        int next = next(node, b);
        if (next < 0) {
          next = addNode();
          int at = keys.get(node).length;
          keys.set(node, Arrays.copyOf(keys.get(node), at + 1));
          keys.get(node)[at] = b;
          children.set(node, Arrays.copyOf(children.get(node), at + 1));
          children.get(node)[at] = next;
        }
        node = next;
        bump(node, name);
        mark(node, i);
      }
      if (index.get(node) < 0) {
        index.set(node, i);
      }
    }
  }

  private int addNode() {
    keys.add(new byte[0]);
    children.add(new int[0]);
    shortest.add(null);
    namesBelow.add(0);
    index.add(-1);
    below.add(0L);
    return keys.size() - 1;
  }

  private void mark(int node, int name) {
    if (name < 64) {
      below.set(node, below.get(node) | (1L << name));
    }
  }

  /** A bit per name (of the first 64) that starts with the prefix at {@code node}. */
  long namesBelow(int node) {
    return below.get(node);
  }

  private void bump(int node, byte[] name) {
    namesBelow.set(node, namesBelow.get(node) + 1);
    if (shortest.get(node) == null || name.length < shortest.get(node).length) {
      shortest.set(node, name);
    }
  }

  /** The node after {@code b}, or -1 when no name continues that way. */
  int next(int node, byte b) {
    byte[] k = keys.get(node);
    for (int i = 0; i < k.length; i++) {
      if (k[i] == b) {
        return children.get(node)[i];
      }
    }
    return -1;
  }

  /** Whether the prefix at {@code node} is a whole name. */
  boolean isName(int node) {
    return index.get(node) >= 0;
  }

  /** Which name (its position in the constructor's list) the prefix at {@code node} is, or -1. */
  int index(int node) {
    return index.get(node);
  }

  /** The {@code i}th name given to the constructor. */
  byte[] name(int i) {
    return names.get(i);
  }

  /** Whether name {@code i}'s first {@code length} bytes lead to {@code node}. */
  boolean startsWith(int i, int node, int length) {
    byte[] name = names.get(i);
    if (name.length < length) {
      return false;
    }
    int at = 0;
    for (int k = 0; k < length && at >= 0; k++) {
      at = next(at, name[k]);
    }
    return at == node;
  }

  /** The index of a whole name given as bytes, or -1. */
  int indexOf(byte[] name) {
    int at = 0;
    for (int k = 0; k < name.length && at >= 0; k++) {
      at = next(at, name[k]);
    }
    return at < 0 ? -1 : index(at);
  }

  /** Whether no name goes on past {@code node}. */
  boolean isLeaf(int node) {
    return keys.get(node).length == 0;
  }

  /** The one name that starts with this prefix, or null when none or several do. */
  byte[] onlyName(int node) {
    return namesBelow.get(node) == 1 ? shortest.get(node) : null;
  }

  /** The shortest name that starts with this prefix (null when none does). */
  byte[] shortestName(int node) {
    return shortest.get(node);
  }
}
