package io.qwenops.inference.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Block hashes depend on a secret drawn per engine, the parent hash and every token. */
class Sha256BlockHasherTest {

  private static final int[] TOKENS = {151644, 8948, 198, 2610, 525, 264, 10950, 17847};

  @Test
  void theSameBlockHashesDifferentlyInEveryEngine() {
    Set<BlockHash> firstBlocks = new HashSet<>();
    for (int i = 0; i < 20; i++) {
      Sha256BlockHasher engine = new Sha256BlockHasher();
      firstBlocks.add(engine.hash(engine.root(), TOKENS, 0, 8));
    }
    // A client cannot know (or aim a collision at) the hash of any prompt it sends.
    assertThat(firstBlocks).hasSize(20);
  }

  @Test
  void theSecretAloneDecides() {
    byte[] secret = new byte[32];
    secret[0] = 7;
    Sha256BlockHasher a = new Sha256BlockHasher(secret);
    Sha256BlockHasher b = new Sha256BlockHasher(secret.clone());
    assertThat(a.root()).isEqualTo(b.root());
    assertThat(a.hash(a.root(), TOKENS, 0, 8)).isEqualTo(b.hash(b.root(), TOKENS, 0, 8));
  }

  @Test
  void everyTokenAndTheParentChangeTheHash() {
    Sha256BlockHasher h = new Sha256BlockHasher();
    BlockHash first = h.hash(h.root(), TOKENS, 0, 4);
    BlockHash second = h.hash(first, TOKENS, 4, 4);
    assertThat(h.hash(h.root(), TOKENS, 4, 4)).isNotEqualTo(second);
    Set<BlockHash> seen = new HashSet<>(Set.of(second));
    for (int i = 4; i < 8; i++) {
      int[] changed = TOKENS.clone();
      changed[i]++;
      seen.add(h.hash(first, changed, 4, 4));
    }
    assertThat(seen).hasSize(5);
  }
}
