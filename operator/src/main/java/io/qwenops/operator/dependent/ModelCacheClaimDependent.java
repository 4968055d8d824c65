package io.qwenops.operator.dependent;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.GarbageCollected;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.qwenops.operator.crd.QwenDeployment;
import io.qwenops.operator.desired.DesiredModelCacheClaim;
import io.qwenops.operator.naming.Names;

/**
 * The operator-created model cache PVC. Created, never updated: a bound claim's spec is immutable
 * apart from growing, and rewriting it would only produce API errors.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Names.MANAGED_SELECTOR))
public class ModelCacheClaimDependent
    extends KubernetesDependentResource<PersistentVolumeClaim, QwenDeployment>
    implements Creator<PersistentVolumeClaim, QwenDeployment>, GarbageCollected<QwenDeployment> {

  public ModelCacheClaimDependent() {
    super(PersistentVolumeClaim.class);
  }

  @Override
  protected PersistentVolumeClaim desired(QwenDeployment primary, Context<QwenDeployment> context) {
    return DesiredModelCacheClaim.of(primary);
  }

  /** Named without desired(): when the cache is switched off the claim must still be found. */
  @Override
  protected ResourceID targetSecondaryResourceID(
      QwenDeployment primary, Context<QwenDeployment> context) {
    return new ResourceID(Names.modelCacheClaim(primary), primary.getMetadata().getNamespace());
  }

  @Override
  protected void addReferenceHandlingMetadata(
      PersistentVolumeClaim target, QwenDeployment primary) {
    ControllerReference.set(target, primary);
  }
}
