package io.qwenops.inference.engine;

import java.util.Iterator;
import java.util.LinkedHashSet;

/**
 * Hands out KV blocks with reference counts. Free blocks wait in LRU order; a free block that still
 * holds a cached prefix can be revived by a prefix hit until it is handed out for new content (then
 * its hash is forgotten).
 */
final class KvBlockAllocator {

  private final int[] refCounts;
  private final LinkedHashSet<Integer> free = new LinkedHashSet<>();
  private final PrefixCache cache;

  /** A pool whose prefix cache hashes with SHA-256 from a fresh secret. */
  KvBlockAllocator(int numBlocks) {
    this(numBlocks, new Sha256BlockHasher());
  }

  KvBlockAllocator(int numBlocks, BlockHasher hasher) {
    cache = new PrefixCache(hasher);
    refCounts = new int[numBlocks];
    for (int i = 0; i < numBlocks; i++) {
      free.add(i);
    }
  }

  int total() {
    return refCounts.length;
  }

  /** Blocks not used by any sequence (some may still hold a cached prefix). */
  int freeCount() {
    return free.size();
  }

  /** A block for new content, or -1 when none is free. */
  int allocate() {
    Iterator<Integer> it = free.iterator();
    if (!it.hasNext()) {
      return -1;
    }
    int block = it.next();
    it.remove();
    cache.forget(block);
    refCounts[block] = 1;
    return block;
  }

  /** Takes another reference to a cached block found by {@link #lookup}. */
  void share(int block) {
    if (refCounts[block]++ == 0) {
      free.remove(block);
    }
  }

  void release(int block) {
    if (refCounts[block] <= 0) {
      throw new IllegalStateException("KV block " + block + " released twice");
    }
    if (--refCounts[block] == 0) {
      free.add(block);
    }
  }

  /** The cached block with these tokens after {@code parent}, or null ({@link PrefixCache}). */
  PrefixCache.Entry lookup(PrefixCache.Entry parent, int[] tokens, int from, int size) {
    return cache.lookup(parent, tokens, from, size);
  }

  PrefixCache.Entry register(
      int block, PrefixCache.Entry parent, int[] tokens, int from, int size) {
    return cache.register(block, parent, tokens, from, size);
  }

  int cachedBlocks() {
    return cache.size();
  }
}
