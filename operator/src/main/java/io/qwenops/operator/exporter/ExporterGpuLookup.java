package io.qwenops.operator.exporter;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Pod;
import io.qwenops.operator.desired.PodContract;
import io.qwenops.operator.status.PodGpuLookup;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks each running pod's gpu-exporter sidecar ({@code GET http://POD_IP:9400/api/gpu/info}) which
 * GPUs its inference container holds. All pods of one reconcile are asked at once with short
 * timeouts, so a reconcile waits about {@code timeout} at most. A pod that answered with UUIDs is
 * never asked again (a pod's GPUs do not change); one that did not is asked again only after {@code
 * retryInterval}. An unreachable exporter is not an error: its pod's UUIDs stay unknown.
 */
public final class ExporterGpuLookup implements PodGpuLookup {

  private static final Logger LOG = LoggerFactory.getLogger(ExporterGpuLookup.class);

  /** Forget pods not seen for this long (deleted pods); sweep at most this often. */
  private static final long FORGET_AFTER_NANOS = TimeUnit.MINUTES.toNanos(10);

  private final HttpClient http;
  private final Duration timeout;
  private final Duration retryInterval;
  private final Map<String, Asked> byPodUid = new ConcurrentHashMap<>();
  private volatile long lastSweepNanos = System.nanoTime();

  private record Asked(List<String> uuids, long askedAtNanos, long seenAtNanos) {
    Asked seen(long now) {
      return new Asked(uuids, askedAtNanos, now);
    }
  }

  public ExporterGpuLookup(Duration timeout, Duration retryInterval) {
    this.timeout = timeout;
    this.retryInterval = retryInterval;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /** One-second timeouts, a pod without UUIDs asked again every 15 seconds. */
  public static ExporterGpuLookup standard() {
    return new ExporterGpuLookup(Duration.ofSeconds(1), Duration.ofSeconds(15));
  }

  @Override
  public Answer lookup(List<Pod> pods) {
    long now = System.nanoTime();
    sweep(now);
    Map<String, List<String>> known = new HashMap<>();
    Map<Pod, CompletableFuture<List<String>>> asking = new HashMap<>();
    int askable = 0;
    for (Pod pod : pods) {
      Optional<URI> uri = infoUri(pod);
      if (uri.isEmpty()) {
        continue;
      }
      askable++;
      String uid = uid(pod);
      Asked asked = byPodUid.get(uid);
      if (asked != null) {
        byPodUid.put(uid, asked.seen(now));
        if (!asked.uuids().isEmpty()) {
          known.put(pod.getMetadata().getName(), asked.uuids());
          continue;
        }
        if (now - asked.askedAtNanos() < retryInterval.toNanos()) {
          continue;
        }
      }
      asking.put(pod, ask(uri.get()));
    }
    long deadline = now + timeout.multipliedBy(2).toNanos();
    for (var entry : asking.entrySet()) {
      List<String> uuids = await(entry.getValue(), deadline);
      Pod pod = entry.getKey();
      byPodUid.put(uid(pod), new Asked(uuids, now, now));
      if (!uuids.isEmpty()) {
        known.put(pod.getMetadata().getName(), uuids);
      }
    }
    Optional<Duration> again =
        known.size() < askable ? Optional.of(retryInterval) : Optional.empty();
    return new Answer(known, again);
  }

  /** Where this pod's exporter answers, when the pod is running one and has an IP. */
  static Optional<URI> infoUri(Pod pod) {
    if (pod.getMetadata().getDeletionTimestamp() != null
        || pod.getStatus() == null
        || !"Running".equals(pod.getStatus().getPhase())) {
      return Optional.empty();
    }
    String ip = pod.getStatus().getPodIP();
    if (ip == null || ip.isBlank() || pod.getSpec() == null) {
      return Optional.empty();
    }
    Optional<Container> exporter =
        pod.getSpec().getContainers().stream()
            .filter(c -> PodContract.EXPORTER_CONTAINER.equals(c.getName()))
            .findFirst();
    if (exporter.isEmpty()) {
      return Optional.empty();
    }
    // The port the pod itself declares for telemetry; the contract's default otherwise.
    int port =
        exporter.get().getPorts() == null
            ? PodContract.TELEMETRY_PORT
            : exporter.get().getPorts().stream()
                .filter(p -> PodContract.TELEMETRY_PORT_NAME.equals(p.getName()))
                .map(ContainerPort::getContainerPort)
                .filter(p -> p != null && p > 0)
                .findFirst()
                .orElse(PodContract.TELEMETRY_PORT);
    String host = ip.contains(":") ? "[" + ip + "]" : ip;
    return Optional.of(URI.create("http://" + host + ":" + port + "/api/gpu/info"));
  }

  private CompletableFuture<List<String>> ask(URI uri) {
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .timeout(timeout)
            .header("Accept", "application/json")
            .GET()
            .build();
    return http.sendAsync(request, BodyHandlers.ofString())
        .thenApply(
            response ->
                response.statusCode() == 200
                    ? ExporterHello.ownGpuUuids(response.body())
                    : List.<String>of())
        .exceptionally(
            e -> {
              LOG.debug("no GPU UUIDs from {}: {}", uri, e.toString());
              return List.of();
            });
  }

  private static List<String> await(CompletableFuture<List<String>> answer, long deadlineNanos) {
    try {
      return answer.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return List.of();
    } catch (Exception e) {
      answer.cancel(true);
      return List.of();
    }
  }

  private void sweep(long now) {
    if (now - lastSweepNanos < FORGET_AFTER_NANOS) {
      return;
    }
    lastSweepNanos = now;
    byPodUid.values().removeIf(a -> now - a.seenAtNanos() > FORGET_AFTER_NANOS);
  }

  private static String uid(Pod pod) {
    String uid = pod.getMetadata().getUid();
    return uid != null ? uid : pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
  }
}
