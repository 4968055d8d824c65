package io.qwenops.operator.dependent;

import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.qwenops.operator.crd.QwenDeployment;

/** The autoscaler exists only while spec.autoscaling is set; removing it deletes the HPA. */
public class AutoscalingRequested implements Condition<HorizontalPodAutoscaler, QwenDeployment> {

  @Override
  public boolean isMet(
      DependentResource<HorizontalPodAutoscaler, QwenDeployment> dependentResource,
      QwenDeployment primary,
      Context<QwenDeployment> context) {
    return primary.getSpec().getAutoscaling() != null;
  }
}
