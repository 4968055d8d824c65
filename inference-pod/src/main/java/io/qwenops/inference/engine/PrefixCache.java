package io.qwenops.inference.engine;

import java.util.HashMap;
import java.util.Map;

/**
 * Content hashes of full KV blocks. A block's hash chains its parent's hash with its own tokens, so
 * equal hashes mean equal prefixes (up to a 64-bit collision, as in vLLM's default). A cached block
 * keeps its hash after its sequences free it, until the allocator hands it out again.
 */
final class PrefixCache {

  private final Map<Long, Integer> blockOfHash = new HashMap<>();
  private final Map<Integer, Long> hashOfBlock = new HashMap<>();

  /**
   * Hash of a block holding {@code tokens[from, from + size)} after a block with {@code parent}.
   */
  static long hash(long parent, int[] tokens, int from, int size) {
    long h = parent * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L;
    for (int i = from; i < from + size; i++) {
      h ^= tokens[i];
      h *= 0xBF58476D1CE4E5B9L;
      h ^= h >>> 31;
    }
    return h;
  }

  Integer lookup(long hash) {
    return blockOfHash.get(hash);
  }

  boolean isCached(int block) {
    return hashOfBlock.containsKey(block);
  }

  /** Registers a just-filled block; a second block with the same content is not registered. */
  void register(int block, long hash) {
    if (blockOfHash.putIfAbsent(hash, block) == null) {
      hashOfBlock.put(block, hash);
    }
  }

  /** The block is being reused for other content. */
  void forget(int block) {
    Long hash = hashOfBlock.remove(block);
    if (hash != null) {
      blockOfHash.remove(hash);
    }
  }

  int size() {
    return hashOfBlock.size();
  }
}
