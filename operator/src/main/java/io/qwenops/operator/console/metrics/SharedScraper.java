package io.qwenops.operator.console.metrics;

import io.qwenops.operator.console.deployments.PodTarget;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Scrapes each pod's {@code /metrics} at most once per interval, however many browsers ask: a
 * request within the interval of the last scrape gets its result; concurrent requests after it
 * share one scrape in flight (single-flight). Each successful scrape feeds the pod's window.
 */
public final class SharedScraper {

  /** Fetches one Prometheus text body. */
  public interface Fetcher {
    String fetch(URI url) throws Exception;
  }

  /** The outcome of a pod's last scrape. */
  public record PodScrape(
      long scrapedAtMs, boolean up, String error, String raw, PodWindow window) {}

  private static final Duration FORGET_AFTER = Duration.ofMinutes(5);

  private final Fetcher fetcher;
  private final long intervalNanos;
  private final long windowMs;
  private final Map<String, PodState> pods = new ConcurrentHashMap<>();
  private volatile long lastSweepNanos = System.nanoTime();

  private static final class PodState {
    final PodWindow window;
    PodScrape last;
    long lastStartNanos;
    long lastAskedNanos;
    CompletableFuture<PodScrape> inFlight;

    PodState(long windowMs) {
      window = new PodWindow(windowMs);
    }
  }

  public SharedScraper(Fetcher fetcher, Duration interval, Duration window) {
    this.fetcher = fetcher;
    this.intervalNanos = interval.toNanos();
    this.windowMs = window.toMillis();
  }

  /** Plain HTTP GET with a short timeout; anything but 200 is a failed scrape. */
  public static Fetcher http(HttpClient client, Duration timeout) {
    return url -> {
      HttpResponse<String> response =
          client.send(
              HttpRequest.newBuilder(url).timeout(timeout).header("Accept", "text/plain").build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException("GET " + url + " answered " + response.statusCode());
      }
      return response.body();
    };
  }

  public PodScrape scrape(PodTarget target) {
    sweep();
    String key = target.namespace() + "/" + target.pod();
    PodState state = pods.computeIfAbsent(key, k -> new PodState(windowMs));
    CompletableFuture<PodScrape> flight;
    boolean mine = false;
    synchronized (state) {
      long now = System.nanoTime();
      state.lastAskedNanos = now;
      if (state.inFlight != null) {
        flight = state.inFlight;
      } else if (state.last != null && now - state.lastStartNanos < intervalNanos) {
        return state.last;
      } else {
        flight = new CompletableFuture<>();
        state.inFlight = flight;
        state.lastStartNanos = now;
        mine = true;
      }
    }
    if (mine) {
      PodScrape result = fetch(target, state.window);
      synchronized (state) {
        state.last = result;
        state.inFlight = null;
      }
      flight.complete(result);
      return result;
    }
    return flight.join();
  }

  private PodScrape fetch(PodTarget target, PodWindow window) {
    long wallMs = System.currentTimeMillis();
    if (target.metricsUrl() == null) {
      return new PodScrape(wallMs, false, "the pod has no IP yet", null, window);
    }
    try {
      String raw = fetcher.fetch(target.metricsUrl());
      window.add(EngineSnapshot.of(PrometheusText.parse(raw), System.nanoTime() / 1_000_000));
      return new PodScrape(wallMs, true, null, raw, window);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new PodScrape(wallMs, false, "interrupted", null, window);
    } catch (Exception e) {
      String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      return new PodScrape(
          wallMs, false, "scrape of " + target.metricsUrl() + " failed: " + message, null, window);
    }
  }

  /** Forgets pods nobody asked about for a while (deleted pods, closed pages). */
  private void sweep() {
    long now = System.nanoTime();
    if (now - lastSweepNanos < FORGET_AFTER.toNanos()) {
      return;
    }
    lastSweepNanos = now;
    for (Iterator<PodState> it = pods.values().iterator(); it.hasNext(); ) {
      PodState state = it.next();
      synchronized (state) {
        if (state.inFlight == null && now - state.lastAskedNanos > FORGET_AFTER.toNanos()) {
          it.remove();
        }
      }
    }
  }
}
