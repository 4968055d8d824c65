package io.qwenops.operator.console.deployments;

import com.fasterxml.jackson.databind.JsonNode;
import io.qwenops.operator.console.deployments.DeploymentView.ConditionView;
import io.qwenops.operator.console.deployments.DeploymentView.PodConditionView;
import io.qwenops.operator.console.deployments.DeploymentView.PodView;
import io.qwenops.operator.console.http.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Static mode (no Kubernetes): one deployment {@code local/<name>} with one pod {@code <name>-0},
 * served by fixed inference and exporter URLs. A background loop asks the inference server's {@code
 * /health} and {@code /v1/models} every poll interval; the pod is ready while it answers.
 */
public final class StaticDeployments implements DeploymentSource {

  public static final String NAMESPACE = "local";

  private final String name;
  private final URI inferenceUrl;
  private final URI exporterUrl;
  private final String notice;
  private final HttpClient http;
  private final Duration pollInterval;
  private final ChangeCounter changes = new ChangeCounter();
  private final Thread poller;
  private volatile List<ConsoleDeployment> snapshot;

  private record Probe(boolean ready, String servedModelName, String problem) {}

  /** As below, with no notice. */
  public StaticDeployments(String name, URI inferenceUrl, URI exporterUrl, Duration pollInterval) {
    this(name, inferenceUrl, exporterUrl, null, pollInterval);
  }

  /**
   * @param notice text the console shows above the deployment (local mode: that the demo model's
   *     weights are random), or null
   */
  public StaticDeployments(
      String name, URI inferenceUrl, URI exporterUrl, String notice, Duration pollInterval) {
    this.name = name;
    this.notice = notice == null || notice.isBlank() ? null : notice.strip();
    this.inferenceUrl = stripSlash(inferenceUrl);
    this.exporterUrl = exporterUrl == null ? null : stripSlash(exporterUrl);
    this.pollInterval = pollInterval;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    this.snapshot = List.of(build(probe()));
    this.poller = Thread.ofVirtual().name("static-deployment-poll").start(this::pollLoop);
  }

  private static URI stripSlash(URI uri) {
    String s = uri.toString();
    return URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
  }

  private void pollLoop() {
    while (!Thread.currentThread().isInterrupted()) {
      try {
        Thread.sleep(pollInterval);
      } catch (InterruptedException e) {
        return;
      }
      List<ConsoleDeployment> next = List.of(build(probe()));
      if (!next.equals(snapshot)) {
        snapshot = next;
        changes.bump();
      }
    }
  }

  private Probe probe() {
    try {
      HttpResponse<String> health = get("/health");
      if (health.statusCode() != 200) {
        return new Probe(false, null, "GET /health answered " + health.statusCode());
      }
      HttpResponse<String> models = get("/v1/models");
      String served = null;
      if (models.statusCode() == 200) {
        JsonNode data = Json.read(models.body()).path("data");
        if (data.isArray() && !data.isEmpty()) {
          served = data.get(0).path("id").asText(null);
        }
      }
      return new Probe(true, served, null);
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      return new Probe(false, null, "inference server at " + inferenceUrl + " unreachable: " + e);
    }
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(inferenceUrl + path))
            .timeout(Duration.ofSeconds(2))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private ConsoleDeployment build(Probe probe) {
    String pod = name + "-0";
    String status = probe.ready() ? "True" : "False";
    String reason = probe.ready() ? "Answering" : "Unreachable";
    PodView podView =
        new PodView(
            pod,
            "localhost",
            probe.ready() ? "Running" : "Pending",
            probe.ready(),
            0,
            List.of(),
            List.of(new PodConditionView("Ready", status, reason, probe.problem())));
    DeploymentView view =
        new DeploymentView(
            NAMESPACE,
            name,
            probe.servedModelName(),
            probe.servedModelName(),
            new DeploymentView.Replicas(1, probe.ready() ? 1 : 0),
            null,
            (probe.ready() ? 1 : 0) + "/1",
            inferenceUrl + "/v1",
            null,
            null,
            List.of(new ConditionView("Ready", status, reason, probe.problem(), null)),
            List.of(podView),
            exporterUrl != null,
            notice);
    URI exporterStream =
        exporterUrl == null
            ? null
            : URI.create(exporterUrl.toString().replaceFirst("^http", "ws") + "/ws/gpu");
    PodTarget target =
        new PodTarget(
            NAMESPACE, pod, probe.ready(), URI.create(inferenceUrl + "/metrics"), exporterStream);
    return new ConsoleDeployment(view, inferenceUrl, List.of(target), null);
  }

  @Override
  public List<ConsoleDeployment> deployments() {
    return snapshot;
  }

  @Override
  public Optional<String> apiKey(ConsoleDeployment deployment) {
    return Optional.empty();
  }

  @Override
  public long version() {
    return changes.version();
  }

  @Override
  public long awaitChange(long seen, Duration timeout) throws InterruptedException {
    return changes.awaitChange(seen, timeout);
  }

  @Override
  public void close() {
    poller.interrupt();
    http.close();
  }
}
