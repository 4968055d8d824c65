package io.qwenops.operator.reconciler;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.List;
import java.util.Optional;

/**
 * The few direct reads spec validation and status need; an interface so it is testable without a
 * cluster.
 */
public interface ClusterLookup {

  /** Whether the Secret exists. Reads its metadata only: its values never reach the operator. */
  boolean secretExists(String namespace, String name);

  /** The Secret with its values; only for a Secret whose value the operator itself uses. */
  Optional<Secret> secret(String namespace, String name);

  boolean claimExists(String namespace, String name);

  /** The claim's access modes ({@code spec.accessModes}); empty when unknown or not there. */
  default List<String> claimAccessModes(String namespace, String name) {
    return List.of();
  }

  /** The Events about one pod (matched by its uid); one list call. */
  default List<Event> podEvents(String namespace, String podName, String podUid) {
    return List.of();
  }
}
