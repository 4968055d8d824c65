package io.qwenops.operator.reconciler;

import io.fabric8.kubernetes.api.model.Secret;
import java.util.Optional;

/** The few reads spec validation needs; an interface so it is testable without a cluster. */
public interface ClusterLookup {

  Optional<Secret> secret(String namespace, String name);

  boolean claimExists(String namespace, String name);
}
