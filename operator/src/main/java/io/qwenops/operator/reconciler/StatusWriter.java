package io.qwenops.operator.reconciler;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.qwenops.operator.crd.QwenDeployment;
import io.qwenops.operator.crd.QwenDeploymentStatus;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Writes a QwenDeployment's status so that a stale cache cannot corrupt it: the whole status is
 * replaced ({@code PUT .../status}, no patch computed against the cached copy, so no list entry can
 * be added twice and no patch can miss its index), with the {@code resourceVersion} the status was
 * computed from. When someone wrote in between (our own last write the informer has not delivered
 * yet, or another writer), the server refuses with 409; the status is then computed again from the
 * object as the server has it, so conditions keep their {@code lastTransitionTime}. The answer goes
 * into JOSDK's cache of recent updates, so the next reconcile starts from it.
 */
final class StatusWriter {

  /** What was written, and the status it replaced (as the server had it). */
  record Written(QwenDeploymentStatus previous, QwenDeploymentStatus status, boolean changed) {}

  static final int ATTEMPTS = 5;

  private StatusWriter() {}

  /** {@code next} computes the status from the one the server has; it may run more than once. */
  static Written write(
      QwenDeployment cached,
      Context<QwenDeployment> context,
      UnaryOperator<QwenDeploymentStatus> next) {
    QwenDeployment current = cached;
    for (int attempt = 1; ; attempt++) {
      QwenDeploymentStatus previous = current.getStatus();
      QwenDeploymentStatus status = next.apply(previous);
      if (previous != null && sameJson(previous, status)) {
        return new Written(previous, status, false);
      }
      QwenDeployment copy = Serialization.clone(current);
      copy.setStatus(status);
      try {
        QwenDeployment written = context.getClient().resource(copy).updateStatus();
        context
            .eventSourceRetriever()
            .getControllerEventSource()
            .handleRecentResourceUpdate(ResourceID.fromResource(cached), written, current);
        return new Written(previous, status, true);
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt == ATTEMPTS) {
          throw e;
        }
        current =
            context
                .getClient()
                .resources(QwenDeployment.class)
                .inNamespace(cached.getMetadata().getNamespace())
                .withName(cached.getMetadata().getName())
                .require();
      }
    }
  }

  static boolean sameJson(QwenDeploymentStatus a, QwenDeploymentStatus b) {
    return Objects.equals(Serialization.asJson(a), Serialization.asJson(b));
  }
}
