package io.qwenops.inference.engine;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/**
 * SHA-256 over the parent's hash and the block's tokens, starting from a random secret drawn when
 * the engine starts (vLLM's fix for CVE-2025-25183). Without the secret no client can compute a
 * block's hash, so none can aim a collision at another user's cached prefix; hashes differ between
 * processes. One instance per engine, used only on its step thread (the digest is reused).
 */
final class Sha256BlockHasher implements BlockHasher {

  private final BlockHash root;
  private final MessageDigest sha256;
  private ByteBuffer input = ByteBuffer.allocate(32 + 4 * 16);

  /** A hasher seeded with 32 fresh bytes from {@link SecureRandom}. */
  Sha256BlockHasher() {
    this(freshSecret());
  }

  /** A hasher whose chains start at this 32-byte secret. */
  Sha256BlockHasher(byte[] secret) {
    if (secret.length != 32) {
      throw new IllegalArgumentException("The prefix-cache secret must be 32 bytes");
    }
    this.root = toHash(secret);
    try {
      this.sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every Java runtime has SHA-256", e);
    }
  }

  @Override
  public BlockHash root() {
    return root;
  }

  @Override
  public BlockHash hash(BlockHash parent, int[] tokens, int from, int size) {
    int bytes = 32 + 4 * size;
    if (input.capacity() < bytes) {
      input = ByteBuffer.allocate(bytes);
    }
    input.clear();
    input.putLong(parent.a()).putLong(parent.b()).putLong(parent.c()).putLong(parent.d());
    for (int i = from; i < from + size; i++) {
      input.putInt(tokens[i]);
    }
    sha256.update(input.array(), 0, bytes);
    return toHash(sha256.digest());
  }

  private static byte[] freshSecret() {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    return secret;
  }

  private static BlockHash toHash(byte[] digest) {
    ByteBuffer b = ByteBuffer.wrap(digest);
    return new BlockHash(b.getLong(), b.getLong(), b.getLong(), b.getLong());
  }
}
