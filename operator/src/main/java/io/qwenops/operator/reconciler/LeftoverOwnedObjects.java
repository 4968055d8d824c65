package io.qwenops.operator.reconciler;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.qwenops.operator.crd.QwenDeployment;
import io.qwenops.operator.naming.Names;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes objects this QwenDeployment controls under a name the operator no longer gives them.
 * Operators before the {@link Names} rules named a dotted QwenDeployment's Deployment after it (and
 * then failed on the Service); left alone, that Deployment would hold GPUs next to the correctly
 * named one, and a second disruption budget over the same pods blocks every eviction.
 */
final class LeftoverOwnedObjects {

  private static final Logger LOG = LoggerFactory.getLogger(LeftoverOwnedObjects.class);

  private LeftoverOwnedObjects() {}

  static void delete(QwenDeployment qd, Context<QwenDeployment> context) {
    delete(qd, context, Deployment.class, Names.deployment(qd));
    delete(qd, context, Service.class, Names.service(qd));
    delete(qd, context, PodDisruptionBudget.class, Names.podDisruptionBudget(qd));
    delete(qd, context, PersistentVolumeClaim.class, Names.modelCacheClaim(qd));
  }

  /** The one Deployment of this QwenDeployment, ignoring a leftover not yet gone from the cache. */
  static Optional<Deployment> deployment(QwenDeployment qd, Context<QwenDeployment> context) {
    String name = Names.deployment(qd);
    return context
        .getSecondaryResourcesAsStream(Deployment.class)
        .filter(d -> name.equals(d.getMetadata().getName()))
        .findFirst();
  }

  private static <T extends HasMetadata> void delete(
      QwenDeployment qd, Context<QwenDeployment> context, Class<T> type, String currentName) {
    String uid = qd.getMetadata().getUid();
    context
        .getSecondaryResourcesAsStream(type)
        .filter(o -> !currentName.equals(o.getMetadata().getName()))
        .filter(o -> controlledBy(o, uid))
        .forEach(
            o -> {
              LOG.info(
                  "{}/{}: deleting {} {} (now named {})",
                  qd.getMetadata().getNamespace(),
                  qd.getMetadata().getName(),
                  o.getKind(),
                  o.getMetadata().getName(),
                  currentName);
              context.getClient().resource(o).delete();
            });
  }

  private static boolean controlledBy(HasMetadata owned, String uid) {
    return uid != null
        && owned.getMetadata().getOwnerReferences() != null
        && owned.getMetadata().getOwnerReferences().stream()
            .anyMatch(r -> uid.equals(r.getUid()) && Boolean.TRUE.equals(r.getController()));
  }
}
