package io.qwenops.inference.engine;

/**
 * Hashes full KV blocks for the prefix cache, each chained from its parent's hash. Production uses
 * {@link Sha256BlockHasher}; the interface exists so tests can forge collisions and show that the
 * cache's token check rejects them.
 */
interface BlockHasher {

  /** The parent hash of a sequence's first block. */
  BlockHash root();

  /**
   * Hash of a block holding {@code tokens[from, from + size)} after a block hashed {@code parent}.
   */
  BlockHash hash(BlockHash parent, int[] tokens, int from, int size);
}
