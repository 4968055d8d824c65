package io.qwenops.operator.reconciler;

import io.fabric8.kubernetes.api.model.Secret;
import java.util.List;
import java.util.Optional;

/** The few reads spec validation needs; an interface so it is testable without a cluster. */
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
}
