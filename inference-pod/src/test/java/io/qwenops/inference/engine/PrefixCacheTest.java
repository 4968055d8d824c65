package io.qwenops.inference.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * A hash only proposes a cached block: a hit must hold the same tokens after the same verified
 * prefix. Shown with a forged hasher under which every block at the same position collides.
 */
class PrefixCacheTest {

  /** Ignores the tokens: block i of every prompt gets the same hash. */
  static final BlockHasher POSITION_ONLY =
      new BlockHasher() {
        @Override
        public BlockHash root() {
          return new BlockHash(0, 0, 0, 0);
        }

        @Override
        public BlockHash hash(BlockHash parent, int[] tokens, int from, int size) {
          return new BlockHash(parent.a() + 1, 0, 0, 0);
        }
      };

  private static final int[] VICTIM = {1, 2, 3, 4, 5, 6, 7, 8};

  @Test
  void aCollidingHashWithOtherTokensIsAMiss() {
    PrefixCache cache = new PrefixCache(POSITION_ONLY);
    PrefixCache.Entry first = cache.register(10, null, VICTIM, 0, 4);
    cache.register(11, first, VICTIM, 4, 4);
    assertThat(cache.lookup(null, new int[] {1, 2, 3, 9}, 0, 4)).isNull();
    assertThat(cache.lookup(null, VICTIM, 0, 4).block).isEqualTo(10);
  }

  @Test
  void theSameTokensAfterAnotherPrefixAreAMiss() {
    PrefixCache cache = new PrefixCache(POSITION_ONLY);
    PrefixCache.Entry first = cache.register(10, null, VICTIM, 0, 4);
    cache.register(11, first, VICTIM, 4, 4);
    // An attacker's first block differs; its second block repeats the victim's tokens 5..8, whose
    // cached KV was computed after 1..4 and must not serve another prefix.
    int[] attacker = {9, 9, 9, 9, 5, 6, 7, 8};
    PrefixCache.Entry own = cache.register(20, null, attacker, 0, 4);
    assertThat(cache.lookup(own, attacker, 4, 4)).isNull();
    assertThat(cache.lookup(first, VICTIM, 4, 4).block).isEqualTo(11);
  }

  @Test
  void aReusedParentBlockCutsOffItsOldChildren() {
    PrefixCache cache = new PrefixCache(POSITION_ONLY);
    PrefixCache.Entry first = cache.register(10, null, VICTIM, 0, 4);
    cache.register(11, first, VICTIM, 4, 4);
    cache.forget(10);
    PrefixCache.Entry again = cache.register(10, null, VICTIM, 0, 4);
    // Block 10 was recomputed: block 11's KV belonged to its old content, so it is not reached.
    assertThat(cache.lookup(again, VICTIM, 4, 4)).isNull();
  }
}
