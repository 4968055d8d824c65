package io.qwenops.operator.exporter;

import io.fabric8.kubernetes.api.model.Pod;
import io.qwenops.operator.desired.PodContract;
import io.qwenops.operator.podhttp.BoundedBody;
import io.qwenops.operator.podhttp.PodEndpoint;
import io.qwenops.operator.status.PodGpuLookup;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks each running pod's gpu-exporter sidecar ({@code GET http://POD_IP:9400/api/gpu/info}) which
 * GPUs its inference container holds. All pods of one reconcile are asked at once; each answer is
 * bounded in time (connect and headers within {@code timeout}, the whole batch within twice that,
 * then the exchange is cancelled) and in size ({@code maxBodyBytes}; beyond it the connection is
 * closed), so a broken or hostile exporter image can neither stall a reconcile nor fill the
 * operator's heap. A pod that answered with UUIDs is never asked again (a pod's GPUs do not
 * change); one that did not is asked again only after {@code retryInterval}. An exporter that does
 * not answer well is not an error: its pod's UUIDs stay unknown and the operator logs why.
 */
public final class ExporterGpuLookup implements PodGpuLookup {

  private static final Logger LOG = LoggerFactory.getLogger(ExporterGpuLookup.class);

  /** Forget pods not seen for this long (deleted pods); sweep at most this often. */
  private static final long FORGET_AFTER_NANOS = TimeUnit.MINUTES.toNanos(10);

  /** A hello frame is a few KiB; no honest exporter comes near this. */
  public static final int MAX_BODY_BYTES = 1 << 20;

  /** Enough for an error message; an error page of any length is not read further. */
  static final int MAX_ERROR_BODY_BYTES = 4 << 10;

  private final HttpClient http;
  private final Duration timeout;
  private final Duration retryInterval;
  private final int maxBodyBytes;
  private final Map<String, Asked> byPodUid = new ConcurrentHashMap<>();
  private volatile long lastSweepNanos = System.nanoTime();

  /** What a pod's exporter last said; {@code problem} is null when it answered as it should. */
  private record Asked(List<String> uuids, String problem, long askedAtNanos, long seenAtNanos) {
    Asked seen(long now) {
      return new Asked(uuids, problem, askedAtNanos, now);
    }
  }

  /** One exporter's answer: its UUIDs, or why there are none. */
  private record Reply(List<String> uuids, String problem) {
    static Reply trouble(String problem) {
      return new Reply(List.of(), problem);
    }
  }

  public ExporterGpuLookup(Duration timeout, Duration retryInterval) {
    this(timeout, retryInterval, MAX_BODY_BYTES);
  }

  public ExporterGpuLookup(Duration timeout, Duration retryInterval, int maxBodyBytes) {
    this.timeout = timeout;
    this.retryInterval = retryInterval;
    this.maxBodyBytes = maxBodyBytes;
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
  public Answer lookup(List<Pod> pods, Supplier<Optional<String>> exporterToken) {
    long now = System.nanoTime();
    sweep(now);
    Map<String, List<String>> known = new HashMap<>();
    Map<Pod, URI> toAsk = new LinkedHashMap<>();
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
      toAsk.put(pod, uri.get());
    }
    Optional<String> token = toAsk.isEmpty() ? Optional.empty() : exporterToken.get();
    Map<Pod, CompletableFuture<HttpResponse<byte[]>>> asking = new LinkedHashMap<>();
    toAsk.forEach((pod, uri) -> asking.put(pod, ask(uri, token)));
    long deadline = now + timeout.multipliedBy(2).toNanos();
    for (var entry : asking.entrySet()) {
      Pod pod = entry.getKey();
      Reply reply = await(entry.getValue(), deadline);
      Asked before = byPodUid.put(uid(pod), new Asked(reply.uuids(), reply.problem(), now, now));
      if (reply.problem() != null
          && (before == null || !reply.problem().equals(before.problem()))) {
        LOG.warn(
            "{}/{}: no GPU UUIDs from its gpu-exporter at {}: {}",
            pod.getMetadata().getNamespace(),
            pod.getMetadata().getName(),
            toAsk.get(pod),
            reply.problem());
      }
      if (!reply.uuids().isEmpty()) {
        known.put(pod.getMetadata().getName(), reply.uuids());
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
    // The port the pod itself declares for telemetry; the contract's default otherwise.
    return PodEndpoint.of(
        pod,
        PodContract.EXPORTER_CONTAINER,
        PodContract.TELEMETRY_PORT_NAME,
        PodContract.TELEMETRY_PORT,
        "http",
        "/api/gpu/info");
  }

  private CompletableFuture<HttpResponse<byte[]>> ask(URI uri, Optional<String> token) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json").GET();
    token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
    return http.sendAsync(
        request.build(),
        info -> new BoundedBody(info.statusCode() == 200 ? maxBodyBytes : MAX_ERROR_BODY_BYTES));
  }

  /**
   * Waits for one answer until the batch's deadline. The future is the one {@code sendAsync}
   * returned, so cancelling it aborts the exchange and closes its connection: an exporter that
   * trickles an endless body is cut off, not read in the background.
   */
  private static Reply await(CompletableFuture<HttpResponse<byte[]>> exchange, long deadlineNanos) {
    HttpResponse<byte[]> response;
    try {
      response = exchange.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      exchange.cancel(true);
      Thread.currentThread().interrupt();
      return Reply.trouble("interrupted");
    } catch (TimeoutException e) {
      exchange.cancel(true);
      return Reply.trouble("no complete answer in time");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      for (Throwable t = cause; t != null; t = t.getCause()) {
        if (t instanceof BoundedBody.TooLarge tooLarge) {
          return Reply.trouble(tooLarge.getMessage() + ", connection closed");
        }
        if (t instanceof HttpTimeoutException && !(t instanceof HttpConnectTimeoutException)) {
          return Reply.trouble("connected, but no answer in time");
        }
      }
      // Not reachable (yet): common while a pod starts, so no warning.
      LOG.debug("exporter not reachable: {}", cause.toString());
      return new Reply(List.of(), null);
    }
    return switch (response.statusCode()) {
      case 200 -> new Reply(ExporterHello.ownGpuUuids(response.body()), null);
      case 401, 403 ->
          Reply.trouble(
              "HTTP "
                  + response.statusCode()
                  + ": it wants a bearer token the operator did not send or that it does not accept"
                  + " (spec.exporter.tokenSecretRef)");
      default -> Reply.trouble("HTTP " + response.statusCode());
    };
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
