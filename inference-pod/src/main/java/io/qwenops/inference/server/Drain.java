package io.qwenops.inference.server;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.qwenops.inference.api.ApiException;
import java.time.Duration;
import java.util.Map;

/**
 * The server's stop on SIGTERM: from {@link #begin()} on, new {@code /v1/*} requests and {@code
 * /health} answer 503 with Retry-After (readiness fails, clients retry elsewhere), while the
 * requests already running, streams included, go on; {@link #awaitIdle} waits for them. Liveness
 * stays 200: a draining pod is not broken.
 */
public final class Drain implements Filter {

  /** Read from the environment; the operator sets it from terminationGracePeriodSeconds. */
  public static final String ENV_DRAIN_SECONDS = "QWENOPS_DRAIN_SECONDS";

  /** Kubernetes' default grace period (30 s) less a margin to exit. */
  static final int DEFAULT_DRAIN_SECONDS = 25;

  static final int RETRY_AFTER_SECONDS = 1;

  private final Object lock = new Object();
  private boolean draining;
  private int running;

  /** {@code QWENOPS_DRAIN_SECONDS}, or the default when unset. */
  public static Duration timeout(Map<String, String> env) {
    String value = env.get(ENV_DRAIN_SECONDS);
    if (value == null || value.isBlank()) {
      return Duration.ofSeconds(DEFAULT_DRAIN_SECONDS);
    }
    try {
      return Duration.ofSeconds(Math.max(0, Integer.parseInt(value.strip())));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          ENV_DRAIN_SECONDS + " must be a whole number of seconds, got '" + value + "'");
    }
  }

  @Override
  public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
    String path = req.path().path();
    boolean api = path.startsWith("/v1/");
    synchronized (lock) {
      if (draining && path.equals("/health")) {
        res.status(Status.SERVICE_UNAVAILABLE_503)
            .header(HeaderNames.RETRY_AFTER, Integer.toString(RETRY_AFTER_SECONDS))
            .header(HeaderNames.CONTENT_TYPE, "application/json")
            .send("{\"status\":\"draining\"}");
        return;
      }
      if (draining && api) {
        throw new ApiException(
            503,
            "service_unavailable",
            "The server is shutting down; retry the request (another replica will take it).",
            null,
            "server_shutting_down",
            RETRY_AFTER_SECONDS);
      }
      if (api) {
        running++;
      }
    }
    if (!api) {
      chain.proceed();
      return;
    }
    try {
      chain.proceed();
    } finally {
      synchronized (lock) {
        running--;
        lock.notifyAll();
      }
    }
  }

  /** Stops taking requests; those under way go on. */
  public void begin() {
    synchronized (lock) {
      draining = true;
    }
  }

  public boolean draining() {
    synchronized (lock) {
      return draining;
    }
  }

  /** Requests under way on {@code /v1/*}. */
  public int running() {
    synchronized (lock) {
      return running;
    }
  }

  /**
   * Waits until no request runs or the timeout passes.
   *
   * @return whether every request finished in time
   */
  public boolean awaitIdle(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      while (running > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        lock.wait(Math.max(1, left / 1_000_000));
      }
      return true;
    }
  }
}
