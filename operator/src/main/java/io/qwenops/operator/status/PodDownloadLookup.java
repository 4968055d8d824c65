package io.qwenops.operator.status;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.Map;

/**
 * Learns which pods are downloading their model, and how far they are. An interface so the status
 * code is testable without a network; the operator asks each not-ready pod's inference container.
 */
public interface PodDownloadLookup {

  /** Knows nothing: the Downloading condition then stays False. */
  PodDownloadLookup NONE = pods -> Map.of();

  /**
   * Returns promptly (about a second at most).
   *
   * @return pod name → its download, only for pods that said they are downloading
   */
  Map<String, ModelDownload> lookup(List<Pod> pods);
}
