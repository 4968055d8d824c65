package io.qwenops.operator.reconciler;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.qwenops.operator.crd.ExporterSpec;
import io.qwenops.operator.crd.QwenDeployment;
import io.qwenops.operator.crd.SecretKeyRef;
import io.qwenops.operator.desired.PodContract;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bearer token a QwenDeployment's gpu-exporter sidecars require ({@code
 * spec.exporter.tokenSecretRef}): the one Secret value the operator reads, because it must send it.
 */
final class ExporterToken {

  private static final Logger LOG = LoggerFactory.getLogger(ExporterToken.class);

  private ExporterToken() {}

  /** The reference, when the sidecar runs and a token is asked for. */
  static Optional<SecretKeyRef> ref(QwenDeployment qd) {
    ExporterSpec exporter = qd.getSpec().getExporter();
    return Boolean.TRUE.equals(exporter.getEnabled())
        ? Optional.ofNullable(exporter.getTokenSecretRef())
        : Optional.empty();
  }

  /** The token, trimmed as the sidecar trims its file; empty when none is set or readable. */
  static Optional<String> read(ClusterLookup cluster, QwenDeployment qd) {
    Optional<SecretKeyRef> ref = ref(qd);
    if (ref.isEmpty()) {
      return Optional.empty();
    }
    String key = ref.get().keyOr(PodContract.DEFAULT_EXPORTER_TOKEN_KEY);
    try {
      return cluster
          .secret(qd.getMetadata().getNamespace(), ref.get().getName())
          .flatMap(s -> value(s, key))
          .map(String::strip)
          .filter(t -> !t.isEmpty());
    } catch (KubernetesClientException e) {
      // GPU UUIDs are a nicety: without the token the pods stay unknown, the reconcile goes on.
      LOG.warn(
          "{}/{}: could not read spec.exporter.tokenSecretRef: {}",
          qd.getMetadata().getNamespace(),
          qd.getMetadata().getName(),
          e.getMessage());
      return Optional.empty();
    }
  }

  /** A key's value: {@code data} is base64 (what the API server returns), stringData plain. */
  static Optional<String> value(Secret secret, String key) {
    if (secret.getData() != null && secret.getData().containsKey(key)) {
      return Optional.of(
          new String(
              Base64.getMimeDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8));
    }
    if (secret.getStringData() != null && secret.getStringData().containsKey(key)) {
      return Optional.of(secret.getStringData().get(key));
    }
    return Optional.empty();
  }
}
