package io.qwenops.exporter.server;

import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.Status;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import java.util.Locale;

/**
 * Requires {@code Authorization: Bearer <token>} on every HTTP route but {@code /health} (probes
 * carry no token), answering 401 {@code {"error": ...}} otherwise. The WebSocket upgrade is checked
 * by {@link TelemetrySocket}; an upgrade it refuses falls through to here and gets the same 401.
 */
final class BearerAuth implements Filter {

  private static final String SCHEME = "bearer ";

  private final AccessToken token;

  BearerAuth(AccessToken token) {
    this.token = token;
  }

  @Override
  public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
    String path = req.path().path();
    if (path.equals("/health") || path.startsWith("/health/")) {
      chain.proceed();
      return;
    }
    String presented = presented(req.headers());
    if (presented == null && path.equals("/ws/gpu") && req.query().contains("access_token")) {
      presented = req.query().getRaw("access_token");
    }
    switch (token.check(presented)) {
      case ACCEPTED -> chain.proceed();
      case MISSING -> refuse(res, "missing bearer token: send Authorization: Bearer <token>");
      case INVALID -> refuse(res, "invalid bearer token");
    }
  }

  /** The token of an {@code Authorization: Bearer} header, or null. */
  static String presented(Headers headers) {
    String value = headers.first(HeaderNames.AUTHORIZATION).orElse(null);
    if (value == null || !value.toLowerCase(Locale.ROOT).startsWith(SCHEME)) {
      return null;
    }
    return value.substring(SCHEME.length()).strip();
  }

  private static void refuse(RoutingResponse res, String message) {
    res.header(HeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"gpu-exporter\"");
    JsonResponses.error(res, Status.UNAUTHORIZED_401, message);
  }
}
