package io.qwenops.operator.status;

import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Learns which GPUs each pod's inference container holds. An interface so the status code is
 * testable without a network; the operator asks each pod's gpu-exporter sidecar.
 */
public interface PodGpuLookup {

  /** Knows nothing: status then shows only UUIDs from the pod annotation. */
  PodGpuLookup NONE = (pods, token) -> new Answer(Map.of(), Optional.empty());

  /**
   * Returns promptly (about a second at most); a pod that cannot be asked is simply unknown.
   *
   * @param exporterToken the bearer token these pods' exporters require, if any; read only when
   *     some pod is actually asked
   */
  Answer lookup(List<Pod> pods, Supplier<Optional<String>> exporterToken);

  /**
   * @param uuidsByPod pod name → its GPU UUIDs, only for pods whose UUIDs are known
   * @param askAgainAfter when some pod may still answer later: how long to wait before asking
   */
  record Answer(Map<String, List<String>> uuidsByPod, Optional<Duration> askAgainAfter) {}
}
