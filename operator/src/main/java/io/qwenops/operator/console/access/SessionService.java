package io.qwenops.operator.console.access;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.qwenops.operator.console.http.Json;
import java.util.Optional;

/** {@code GET /api/session}: what the login page needs to know; never needs a token. */
public final class SessionService implements HttpService {

  /** The answer's body. */
  public record Session(
      String mode, boolean authenticated, String user, @JsonProperty("static") boolean isStatic) {}

  private final Authenticator authenticator;
  private final boolean staticMode;

  public SessionService(Authenticator authenticator, boolean staticMode) {
    this.authenticator = authenticator;
    this.staticMode = staticMode;
  }

  @Override
  public void routing(HttpRules rules) {
    rules.get("/", this::session);
  }

  private void session(ServerRequest req, ServerResponse res) {
    Optional<Viewer> viewer;
    try {
      viewer = authenticator.authenticate(AccessGate.bearer(req));
    } catch (RuntimeException e) {
      viewer = Optional.empty();
    }
    Json.send(
        res,
        new Session(
            authenticator.mode().wireName(),
            viewer.isPresent(),
            viewer.map(Viewer::user).orElse(null),
            staticMode));
  }
}
