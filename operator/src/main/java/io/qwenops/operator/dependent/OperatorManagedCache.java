package io.qwenops.operator.dependent;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.qwenops.operator.crd.ModelCacheType;
import io.qwenops.operator.crd.QwenDeployment;

/** The cache PVC exists only when the spec asks the operator to create it. */
public class OperatorManagedCache implements Condition<PersistentVolumeClaim, QwenDeployment> {

  @Override
  public boolean isMet(
      DependentResource<PersistentVolumeClaim, QwenDeployment> dependentResource,
      QwenDeployment primary,
      Context<QwenDeployment> context) {
    return primary.getSpec().getModelCache().getType() == ModelCacheType.Managed;
  }
}
