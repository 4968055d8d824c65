package io.qwenops.exporter.server;

import io.qwenops.exporter.ExporterOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The bearer token clients must present, from a file (a mounted Secret: re-read at most once a
 * second, so a rotated Secret takes effect without a restart) or from the environment. Tokens are
 * compared as SHA-256 digests with {@link MessageDigest#isEqual}, so the time taken says nothing
 * about how much of a guess was right, nor about the token's length.
 */
final class AccessToken {

  private static final Logger LOG = Logger.getLogger(AccessToken.class.getName());
  private static final long REREAD_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** What a presented token turned out to be. */
  enum Verdict {
    ACCEPTED,
    MISSING,
    INVALID
  }

  private final Path file;
  private byte[] digest; // null: no token configured, every request is accepted
  private long readAtNanos;
  private String lastProblem;

  private AccessToken(Path file, byte[] digest) {
    this.file = file;
    this.digest = digest;
    this.readAtNanos = System.nanoTime();
  }

  /**
   * @throws IllegalStateException when the token file is configured but unreadable or empty (a
   *     misconfiguration that must not leave the routes open)
   */
  static AccessToken from(ExporterOptions.Access access) {
    if (access.tokenFile() != null) {
      try {
        return new AccessToken(access.tokenFile(), sha256(readToken(access.tokenFile())));
      } catch (IOException | IllegalArgumentException e) {
        throw new IllegalStateException("token file " + access.tokenFile() + ": " + e.getMessage());
      }
    }
    return new AccessToken(null, access.token() == null ? null : sha256(access.token()));
  }

  boolean required() {
    return digest != null;
  }

  /** Checks {@code presented} (null when the request carried none). */
  synchronized Verdict check(String presented) {
    refresh();
    if (digest == null) {
      return Verdict.ACCEPTED;
    }
    if (presented == null || presented.isEmpty()) {
      return Verdict.MISSING;
    }
    return MessageDigest.isEqual(digest, sha256(presented)) ? Verdict.ACCEPTED : Verdict.INVALID;
  }

  /** Re-reads the file now and then; a file that cannot be read keeps the last good token. */
  private void refresh() {
    if (file == null || System.nanoTime() - readAtNanos < REREAD_NANOS) {
      return;
    }
    readAtNanos = System.nanoTime();
    try {
      digest = sha256(readToken(file));
      if (lastProblem != null) {
        LOG.info("token file " + file + " readable again");
        lastProblem = null;
      }
    } catch (IOException | IllegalArgumentException e) {
      String problem = e.getMessage();
      if (!problem.equals(lastProblem)) {
        LOG.warning("token file " + file + ": " + problem + "; keeping the previous token");
        lastProblem = problem;
      }
    }
  }

  private static String readToken(Path file) throws IOException {
    String token = Files.readString(file, StandardCharsets.UTF_8).strip();
    if (token.isEmpty()) {
      throw new IllegalArgumentException("the file is empty");
    }
    return token;
  }

  private static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
