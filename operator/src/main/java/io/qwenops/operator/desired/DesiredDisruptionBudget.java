package io.qwenops.operator.desired;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.qwenops.operator.crd.QwenDeployment;
import io.qwenops.operator.naming.Names;

/** At most one inference pod drained at a time; only made when there is more than one. */
public final class DesiredDisruptionBudget {

  private DesiredDisruptionBudget() {}

  public static PodDisruptionBudget of(QwenDeployment qd) {
    return new PodDisruptionBudgetBuilder()
        .withNewMetadata()
        .withName(Names.podDisruptionBudget(qd))
        .withNamespace(qd.getMetadata().getNamespace())
        .withLabels(Names.labels(qd))
        .endMetadata()
        .withNewSpec()
        .withMaxUnavailable(new IntOrString(1))
        .withNewSelector()
        .withMatchLabels(Names.selectorLabels(qd))
        .endSelector()
        .endSpec()
        .build();
  }
}
