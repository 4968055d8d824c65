package io.qwenops.operator.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.qwenops.operator.desired.PodContract;
import io.qwenops.operator.podhttp.BoundedBody;
import io.qwenops.operator.podhttp.PodEndpoint;
import io.qwenops.operator.status.ModelDownload;
import io.qwenops.operator.status.PodDownloadLookup;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks each running, not-yet-ready pod's inference container how its load goes ({@code GET
 * http://POD_IP:8000/health}, the readiness probe's path, which answers 503 with {@code "loading":
 * {"phase": "downloading", "bytesDone", "bytesTotal"}} while the model downloads). Ready pods are
 * never asked. Bounded like the exporter lookup: all pods at once, the batch within twice {@code
 * timeout}, bodies of at most {@link #MAX_BODY_BYTES}; a pod that does not answer is simply not
 * known to be downloading.
 */
public final class InferenceHealthLookup implements PodDownloadLookup {

  private static final Logger LOG = LoggerFactory.getLogger(InferenceHealthLookup.class);

  /** A health body is a few hundred bytes. */
  static final int MAX_BODY_BYTES = 16 << 10;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http;
  private final Duration timeout;

  public InferenceHealthLookup(Duration timeout) {
    this.timeout = timeout;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  public static InferenceHealthLookup standard() {
    return new InferenceHealthLookup(Duration.ofSeconds(1));
  }

  @Override
  public Map<String, ModelDownload> lookup(List<Pod> pods) {
    Map<String, CompletableFuture<HttpResponse<byte[]>>> asking = new LinkedHashMap<>();
    for (Pod pod : pods) {
      healthUri(pod).ifPresent(uri -> asking.put(pod.getMetadata().getName(), ask(uri)));
    }
    long deadline = System.nanoTime() + timeout.multipliedBy(2).toNanos();
    Map<String, ModelDownload> downloading = new HashMap<>();
    asking.forEach(
        (pod, exchange) -> read(exchange, deadline).ifPresent(d -> downloading.put(pod, d)));
    return downloading;
  }

  /** Where this pod's inference container answers, when it runs, has an IP and is not ready. */
  static Optional<URI> healthUri(Pod pod) {
    if (pod.getMetadata().getDeletionTimestamp() != null
        || pod.getStatus() == null
        || !"Running".equals(pod.getStatus().getPhase())
        || isReady(pod)) {
      return Optional.empty();
    }
    return PodEndpoint.of(
        pod,
        PodContract.INFERENCE_CONTAINER,
        PodContract.OPENAI_PORT_NAME,
        PodContract.OPENAI_PORT,
        "http",
        PodContract.READINESS_PATH);
  }

  private CompletableFuture<HttpResponse<byte[]>> ask(URI uri) {
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .timeout(timeout)
            .header("Accept", "application/json")
            .GET()
            .build();
    return http.sendAsync(request, info -> new BoundedBody(MAX_BODY_BYTES));
  }

  private static Optional<ModelDownload> read(
      CompletableFuture<HttpResponse<byte[]>> exchange, long deadlineNanos) {
    try {
      HttpResponse<byte[]> response =
          exchange.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
      return parse(response.body());
    } catch (InterruptedException e) {
      exchange.cancel(true);
      Thread.currentThread().interrupt();
    } catch (TimeoutException e) {
      // Cancelling the sendAsync future aborts the exchange: a stalled pod is cut off.
      exchange.cancel(true);
    } catch (ExecutionException e) {
      // Not reachable yet: common while a pod starts.
      LOG.debug("inference health not reachable: {}", String.valueOf(e.getCause()));
    }
    return Optional.empty();
  }

  static Optional<ModelDownload> parse(byte[] body) {
    try {
      JsonNode loading = JSON.readTree(body).path("loading");
      if (!"downloading".equals(loading.path("phase").asText())) {
        return Optional.empty();
      }
      long done = loading.path("bytesDone").asLong(-1);
      long total = loading.path("bytesTotal").asLong(-1);
      return done < 0 ? Optional.empty() : Optional.of(new ModelDownload(done, total));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static boolean isReady(Pod pod) {
    List<PodCondition> conditions = pod.getStatus().getConditions();
    return conditions != null
        && conditions.stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }
}
