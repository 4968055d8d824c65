package io.qwenops.operator.console.metrics;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.qwenops.operator.console.access.AccessGate;
import io.qwenops.operator.console.deployments.ConsoleDeployment;
import io.qwenops.operator.console.deployments.DeploymentSource;
import io.qwenops.operator.console.deployments.PodTarget;
import io.qwenops.operator.console.http.ApiError;
import io.qwenops.operator.console.http.Json;
import io.qwenops.operator.console.metrics.SharedScraper.PodScrape;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * {@code GET /api/deployments/{ns}/{name}/metrics} (computed) and {@code .../metrics/raw?pod=} (the
 * pod's last scraped text). Ready pods are scraped in parallel through the shared scraper.
 */
public final class MetricsService implements HttpService {

  public static final Duration INTERVAL = Duration.ofSeconds(2);
  public static final Duration WINDOW = Duration.ofSeconds(60);

  /** One pod's line of the answer. */
  public record PodMetrics(String pod, boolean up, String error, Metrics metrics) {}

  /** The answer. */
  public record DeploymentMetrics(
      long scrapedAtMs,
      long intervalMs,
      long windowSeconds,
      Metrics total,
      List<PodMetrics> pods) {}

  private final DeploymentSource source;
  private final SharedScraper scraper;
  private final ExecutorService scrapes = Executors.newVirtualThreadPerTaskExecutor();

  public MetricsService(DeploymentSource source, SharedScraper scraper) {
    this.source = source;
    this.scraper = scraper;
  }

  @Override
  public void routing(HttpRules rules) {
    rules.get("/{ns}/{name}/metrics", this::metrics).get("/{ns}/{name}/metrics/raw", this::raw);
  }

  private Optional<ConsoleDeployment> visible(ServerRequest req, ServerResponse res) {
    String ns = req.path().pathParameters().get("ns");
    String name = req.path().pathParameters().get("name");
    Optional<ConsoleDeployment> found =
        AccessGate.viewer(req).mayGet(ns, name) ? source.find(ns, name) : Optional.empty();
    if (found.isEmpty()) {
      ApiError.notFound(res, ns, name);
    }
    return found;
  }

  private void metrics(ServerRequest req, ServerResponse res) {
    Optional<ConsoleDeployment> deployment = visible(req, res);
    if (deployment.isEmpty()) {
      return;
    }
    List<PodTarget> targets = deployment.get().pods();
    List<CompletableFuture<PodScrape>> futures = new ArrayList<>();
    for (PodTarget target : targets) {
      futures.add(
          target.ready()
              ? CompletableFuture.supplyAsync(() -> scraper.scrape(target), scrapes)
              : CompletableFuture.completedFuture(null));
    }
    List<PodMetrics> pods = new ArrayList<>();
    List<PodWindow> upWindows = new ArrayList<>();
    long scrapedAt = 0;
    for (int i = 0; i < targets.size(); i++) {
      PodScrape scrape = futures.get(i).join();
      String pod = targets.get(i).pod();
      if (scrape == null) {
        pods.add(new PodMetrics(pod, false, "the pod is not ready", Metrics.UNKNOWN));
        continue;
      }
      scrapedAt = Math.max(scrapedAt, scrape.scrapedAtMs());
      if (scrape.up()) {
        upWindows.add(scrape.window());
        pods.add(new PodMetrics(pod, true, null, MetricsMath.pod(scrape.window())));
      } else {
        pods.add(new PodMetrics(pod, false, scrape.error(), Metrics.UNKNOWN));
      }
    }
    Json.send(
        res,
        new DeploymentMetrics(
            scrapedAt == 0 ? System.currentTimeMillis() : scrapedAt,
            INTERVAL.toMillis(),
            WINDOW.toSeconds(),
            MetricsMath.total(upWindows),
            pods));
  }

  private void raw(ServerRequest req, ServerResponse res) {
    Optional<ConsoleDeployment> deployment = visible(req, res);
    if (deployment.isEmpty()) {
      return;
    }
    Optional<String> pod = req.query().first("pod").asOptional();
    if (pod.isEmpty()) {
      ApiError.send(res, Status.BAD_REQUEST_400, "invalid_request", "give the pod: ?pod=<name>");
      return;
    }
    Optional<PodTarget> target =
        deployment.get().pods().stream().filter(p -> p.pod().equals(pod.get())).findFirst();
    if (target.isEmpty()) {
      ApiError.send(
          res,
          Status.NOT_FOUND_404,
          "not_found",
          "deployment " + deployment.get().name() + " has no pod " + pod.get());
      return;
    }
    PodScrape scrape = scraper.scrape(target.get());
    if (!scrape.up()) {
      ApiError.send(res, Status.BAD_GATEWAY_502, "upstream_unavailable", scrape.error());
      return;
    }
    res.header(HeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
    res.send(scrape.raw().getBytes(StandardCharsets.UTF_8));
  }
}
