package io.qwenops.operator.console.access;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Optional;

/** Mode {@code token}: one bearer token, compared in constant time. */
public final class SharedTokenAccess implements Authenticator {

  private final byte[] token;

  public SharedTokenAccess(String token) {
    if (token == null || token.isBlank()) {
      throw new IllegalArgumentException("the console token is empty");
    }
    this.token = token.strip().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Reads the token from a file such as a mounted Secret key; surrounding whitespace is ignored.
   */
  public static SharedTokenAccess fromFile(Path file) {
    try {
      return new SharedTokenAccess(Files.readString(file));
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read the console token file " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public AccessMode mode() {
    return AccessMode.TOKEN;
  }

  @Override
  public Optional<Viewer> authenticate(String bearerToken) {
    if (bearerToken == null) {
      return Optional.empty();
    }
    boolean same = MessageDigest.isEqual(token, bearerToken.getBytes(StandardCharsets.UTF_8));
    return same ? Optional.of(Viewer.EVERYONE) : Optional.empty();
  }
}
