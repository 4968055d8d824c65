package io.qwenops.inference.engine;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Content hashes of full KV blocks. A block's hash chains its parent's hash with its own tokens
 * ({@link BlockHasher}, SHA-256 from a per-engine secret in production). A hash only finds a
 * candidate: a hit must also hold the very tokens asked for and follow the very entry the lookup
 * matched for the block before it, so even a forged or colliding hash cannot hand one prompt the KV
 * computed for another. A cached block keeps its entry after its sequences free it, until the
 * allocator hands it out again.
 */
final class PrefixCache {

  /**
   * A full block as the cache knows it: a copy of its tokens and the entry of the block before it
   * (null for a sequence's first block). A sequence's chain of entries says exactly which tokens
   * its cached KV was computed from.
   */
  static final class Entry {
    final int block;
    final BlockHash hash;
    final Entry parent;
    private final int[] tokens;

    private Entry(int block, BlockHash hash, Entry parent, int[] tokens) {
      this.block = block;
      this.hash = hash;
      this.parent = parent;
      this.tokens = tokens;
    }

    /** Same parent entry (identity: the same verified chain) and the same tokens. */
    boolean holds(Entry parent, int[] tokens, int from, int size) {
      return this.parent == parent
          && Arrays.equals(this.tokens, 0, this.tokens.length, tokens, from, from + size);
    }
  }

  private final BlockHasher hasher;
  private final Map<BlockHash, Entry> byHash = new HashMap<>();
  private final Map<Integer, Entry> byBlock = new HashMap<>();

  PrefixCache(BlockHasher hasher) {
    this.hasher = hasher;
  }

  /**
   * The cached block holding {@code tokens[from, from + size)} after {@code parent} (null: at the
   * start of a sequence), or null. A hash match whose tokens or parent differ is a miss.
   */
  Entry lookup(Entry parent, int[] tokens, int from, int size) {
    Entry e = byHash.get(hash(parent, tokens, from, size));
    return e != null && e.holds(parent, tokens, from, size) ? e : null;
  }

  /**
   * Registers a just-filled block and returns the entry its successors chain from. When the same
   * content is already cached in another block, that entry is returned and this block stays
   * uncached; when another content holds the hash (a collision), neither is replaced and the
   * returned entry is not in the cache, so nothing chained from it can be found.
   */
  Entry register(int block, Entry parent, int[] tokens, int from, int size) {
    BlockHash h = hash(parent, tokens, from, size);
    Entry existing = byHash.get(h);
    if (existing != null && existing.holds(parent, tokens, from, size)) {
      return existing;
    }
    Entry e = new Entry(block, h, parent, Arrays.copyOfRange(tokens, from, from + size));
    if (existing == null) {
      byHash.put(h, e);
      byBlock.put(block, e);
    }
    return e;
  }

  /** The block is being reused for other content. */
  void forget(int block) {
    Entry e = byBlock.remove(block);
    if (e != null && byHash.get(e.hash) == e) {
      byHash.remove(e.hash);
    }
  }

  int size() {
    return byBlock.size();
  }

  private BlockHash hash(Entry parent, int[] tokens, int from, int size) {
    return hasher.hash(parent == null ? hasher.root() : parent.hash, tokens, from, size);
  }
}
