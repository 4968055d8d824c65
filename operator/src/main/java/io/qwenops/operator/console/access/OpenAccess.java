package io.qwenops.operator.console.access;

import java.util.Optional;

/** Mode {@code none}: everyone who reaches the port sees everything. */
public final class OpenAccess implements Authenticator {

  @Override
  public AccessMode mode() {
    return AccessMode.NONE;
  }

  @Override
  public Optional<Viewer> authenticate(String bearerToken) {
    return Optional.of(Viewer.EVERYONE);
  }
}
