package io.qwenops.operator.console.access;

import java.util.Optional;

/** Turns the bearer token a browser sent (null when none) into a viewer, or refuses it. */
public interface Authenticator {

  AccessMode mode();

  Optional<Viewer> authenticate(String bearerToken);
}
