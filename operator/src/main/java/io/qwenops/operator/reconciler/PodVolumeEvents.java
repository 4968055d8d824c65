package io.qwenops.operator.reconciler;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.qwenops.operator.status.VolumeTrouble;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the Events of pods waiting on their volumes say is wrong (pod name → trouble). One list call
 * per such pod per reconcile; pods that are not waiting on volumes cost nothing.
 */
final class PodVolumeEvents {

  private static final Logger LOG = LoggerFactory.getLogger(PodVolumeEvents.class);

  private PodVolumeEvents() {}

  static boolean anyAwaited(List<Pod> pods) {
    return pods.stream().anyMatch(VolumeTrouble::awaited);
  }

  static Map<String, VolumeTrouble> of(List<Pod> pods, ClusterLookup cluster) {
    Map<String, VolumeTrouble> troubles = new HashMap<>();
    for (Pod pod : pods) {
      if (!VolumeTrouble.awaited(pod)) {
        continue;
      }
      String namespace = pod.getMetadata().getNamespace();
      String name = pod.getMetadata().getName();
      try {
        VolumeTrouble.fromEvents(cluster.podEvents(namespace, name, pod.getMetadata().getUid()))
            .ifPresent(t -> troubles.put(name, t));
      } catch (KubernetesClientException e) {
        // Status then says only that volumes are not mounted yet; the reconcile goes on.
        LOG.warn("{}/{}: could not read the pod's Events: {}", namespace, name, e.getMessage());
      }
    }
    return troubles;
  }
}
