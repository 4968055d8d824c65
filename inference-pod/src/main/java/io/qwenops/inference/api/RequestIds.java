package io.qwenops.inference.api;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;
import java.lang.System.Logger;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Gives every request an id (the client's {@code X-Request-Id}, or a fresh one), echoes it in the
 * response and writes one access-log line per request with it, so a client report can be matched to
 * the server's log and to the engine's request.
 */
public final class RequestIds implements Filter {

  public static final HeaderName HEADER = HeaderNames.create("X-Request-Id");
  private static final Logger ACCESS = System.getLogger("io.qwenops.inference.access");

  /** Client ids end up in logs and response ids: keep them printable and short. */
  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._:\\-]{1,128}");

  @Override
  public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
    String id =
        req.headers()
            .first(HEADER)
            .filter(v -> SAFE.matcher(v).matches())
            .orElseGet(() -> UUID.randomUUID().toString().replace("-", ""));
    req.context().register(RequestIds.class, id);
    res.header(HEADER, id);
    long start = System.nanoTime();
    try {
      chain.proceed();
    } finally {
      ACCESS.log(
          Logger.Level.INFO,
          "{0} {1} {2} {3}ms request_id={4}",
          req.prologue().method().text(),
          req.path().path(),
          String.valueOf(res.status().code()),
          String.valueOf((System.nanoTime() - start) / 1_000_000),
          id);
    }
  }

  /** The id the filter gave this request. */
  public static String of(ServerRequest req) {
    return req.context()
        .get(RequestIds.class, String.class)
        .orElseGet(() -> UUID.randomUUID().toString().replace("-", ""));
  }
}
