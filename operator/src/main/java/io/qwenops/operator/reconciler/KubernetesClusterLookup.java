package io.qwenops.operator.reconciler;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Optional;

/** Direct GETs: the operator reads only the Secrets a spec names and never caches them. */
public final class KubernetesClusterLookup implements ClusterLookup {

  private final KubernetesClient client;

  public KubernetesClusterLookup(KubernetesClient client) {
    this.client = client;
  }

  @Override
  public Optional<Secret> secret(String namespace, String name) {
    return Optional.ofNullable(client.secrets().inNamespace(namespace).withName(name).get());
  }

  @Override
  public boolean claimExists(String namespace, String name) {
    return client.persistentVolumeClaims().inNamespace(namespace).withName(name).get() != null;
  }
}
