package io.qwenops.inference.api;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * With an API key configured, every {@code /v1/*} request needs {@code Authorization: Bearer
 * <key>}; health, metrics, tokenize and version stay open (probes and scrapers carry no key).
 */
public final class ApiKeyCheck implements Filter {

  private final byte[] expected;

  public ApiKeyCheck(String apiKey) {
    this.expected = ("Bearer " + apiKey).getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
    String path = req.path().path();
    if (!path.startsWith("/v1/") && !path.equals("/v1")) {
      chain.proceed();
      return;
    }
    String given = req.headers().first(HeaderNames.AUTHORIZATION).orElse(null);
    if (given == null) {
      ErrorResponses.send(
          res,
          ApiException.unauthorized("Missing API key: send it as 'Authorization: Bearer <key>'."));
      return;
    }
    // Constant-time comparison: the key must not leak through response timing.
    if (!MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.UTF_8))) {
      ErrorResponses.send(res, ApiException.unauthorized("Incorrect API key provided."));
      return;
    }
    chain.proceed();
  }
}
