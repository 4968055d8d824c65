package io.qwenops.operator.console.access;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;
import io.qwenops.operator.console.http.ApiError;
import java.util.Optional;

/**
 * Every {@code /api/*} request except {@code /api/session} must carry a bearer token the
 * authenticator accepts; the viewer it yields rides in the request context for the routes.
 */
public final class AccessGate implements Filter {

  private static final String VIEWER = "qwenops.console.viewer";

  private final Authenticator authenticator;

  public AccessGate(Authenticator authenticator) {
    this.authenticator = authenticator;
  }

  @Override
  public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
    String path = req.path().path();
    if (!path.startsWith("/api/") || path.equals("/api/session")) {
      chain.proceed();
      return;
    }
    Optional<Viewer> viewer;
    try {
      viewer = authenticator.authenticate(bearer(req));
    } catch (RuntimeException e) {
      ApiError.send(
          res,
          Status.SERVICE_UNAVAILABLE_503,
          "access_check_failed",
          "could not check the token with the Kubernetes API: " + e.getMessage());
      return;
    }
    if (viewer.isEmpty()) {
      ApiError.send(
          res,
          Status.UNAUTHORIZED_401,
          "unauthorized",
          "send Authorization: Bearer <token> with a token this console accepts");
      return;
    }
    req.context().register(VIEWER, viewer.get());
    chain.proceed();
  }

  /** The viewer the gate admitted (everyone where the gate does not apply). */
  public static Viewer viewer(ServerRequest req) {
    return req.context().get(VIEWER, Viewer.class).orElse(Viewer.EVERYONE);
  }

  /** The token of an {@code Authorization: Bearer} header, or null. */
  public static String bearer(ServerRequest req) {
    return req.headers()
        .first(HeaderNames.AUTHORIZATION)
        .filter(v -> v.regionMatches(true, 0, "Bearer ", 0, 7))
        .map(v -> v.substring(7).strip())
        .filter(v -> !v.isEmpty())
        .orElse(null);
  }
}
