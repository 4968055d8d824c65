package io.qwenops.operator.dependent;

import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.qwenops.operator.crd.QwenDeployment;
import io.qwenops.operator.desired.DesiredDisruptionBudget;
import io.qwenops.operator.naming.Names;

/** The PodDisruptionBudget; {@link MoreThanOneReplica} decides whether it exists. */
@KubernetesDependent(informer = @Informer(labelSelector = Names.MANAGED_SELECTOR))
public class DisruptionBudgetDependent extends AppliedDependent<PodDisruptionBudget> {

  public DisruptionBudgetDependent() {
    super(PodDisruptionBudget.class);
  }

  @Override
  protected PodDisruptionBudget desired(QwenDeployment primary, Context<QwenDeployment> context) {
    return DesiredDisruptionBudget.of(primary);
  }
}
