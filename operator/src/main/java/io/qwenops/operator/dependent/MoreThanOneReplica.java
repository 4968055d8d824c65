package io.qwenops.operator.dependent;

import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.qwenops.operator.crd.QwenDeployment;

/** A disruption budget only makes sense with a second pod to keep serving. */
public class MoreThanOneReplica implements Condition<PodDisruptionBudget, QwenDeployment> {

  @Override
  public boolean isMet(
      DependentResource<PodDisruptionBudget, QwenDeployment> dependentResource,
      QwenDeployment primary,
      Context<QwenDeployment> context) {
    return primary.getSpec().getReplicas() != null && primary.getSpec().getReplicas() > 1;
  }
}
