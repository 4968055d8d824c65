package io.qwenops.operator.console.telemetry;

import io.qwenops.operator.console.access.Viewer;
import io.qwenops.operator.console.deployments.ConsoleDeployment;
import io.qwenops.operator.console.deployments.DeploymentSource;
import io.qwenops.operator.console.deployments.PodTarget;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Browsers' subscriptions ↔ one {@link ExporterLink} per pod. A subscribe replaces the browser's
 * previous set; a pod the viewer may not see (or that no deployment owns) is answered with a "down"
 * status and never reaches an exporter.
 */
public final class TelemetryHub implements AutoCloseable {

  public static final int DEFAULT_HISTORY_SECONDS = 300;
  public static final int MAX_HISTORY_SECONDS = 900;
  static final String NOT_VISIBLE = "no such pod in a deployment you may see";

  private final DeploymentSource source;
  private final Backoff backoff;
  private final HttpClient http = HttpClient.newHttpClient();
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().daemon().name("telemetry-retry").factory());
  private final Map<PodKey, ExporterLink> links = new ConcurrentHashMap<>();
  private final DeliveryTimes deliveryTimes = new DeliveryTimes();

  public TelemetryHub(DeploymentSource source) {
    this(source, Backoff.STANDARD);
  }

  TelemetryHub(DeploymentSource source, Backoff backoff) {
    this.source = source;
    this.backoff = backoff;
  }

  public synchronized void subscribe(
      BrowserChannel browser, Viewer viewer, List<PodKey> pods, long historySeconds) {
    long history = Math.max(0, Math.min(historySeconds, MAX_HISTORY_SECONDS));
    Set<PodKey> wanted = new HashSet<>();
    for (PodKey key : pods) {
      Optional<ConsoleDeployment> owner = source.ownerOf(key.namespace(), key.pod());
      if (owner.isEmpty() || !viewer.mayGet(key.namespace(), owner.get().name())) {
        browser.offer(TelemetryFrames.status(key, "down", NOT_VISIBLE, null));
      } else {
        wanted.add(key);
      }
    }
    Set<PodKey> current = browser.subscribed();
    for (PodKey gone : Set.copyOf(current)) {
      if (!wanted.contains(gone)) {
        link(gone).unsubscribe(browser);
        current.remove(gone);
      }
    }
    for (PodKey key : wanted) {
      // Subscribing again to a pod already in the set re-sends its status, hello and history.
      link(key).subscribe(browser, history);
      current.add(key);
    }
  }

  public synchronized void disconnect(BrowserChannel browser) {
    browser.close();
    for (PodKey key : browser.subscribed()) {
      link(key).unsubscribe(browser);
    }
    browser.subscribed().clear();
  }

  /** Upstream WebSockets open now (one per pod with subscribers). */
  public int upstreamConnections() {
    return (int) links.values().stream().filter(ExporterLink::connected).count();
  }

  /** What the gateway adds per frame and browser, measured here (docs/benchmarks.md). */
  public DeliveryTimes deliveryTimes() {
    return deliveryTimes;
  }

  private ExporterLink link(PodKey key) {
    return links.computeIfAbsent(
        key, k -> new ExporterLink(k, () -> exporterUrl(k), http, timer, backoff));
  }

  private Optional<URI> exporterUrl(PodKey key) {
    return source
        .ownerOf(key.namespace(), key.pod())
        .flatMap(d -> d.pods().stream().filter(p -> p.pod().equals(key.pod())).findFirst())
        .map(PodTarget::exporterStreamUrl);
  }

  /**
   * Aborts every upstream socket first: {@code HttpClient.close()} waits for open WebSockets, so a
   * link still up (its last browser's disconnect not yet seen) would hang the shutdown.
   */
  @Override
  public void close() {
    links.values().forEach(ExporterLink::close);
    timer.shutdownNow();
    http.shutdownNow();
  }
}
