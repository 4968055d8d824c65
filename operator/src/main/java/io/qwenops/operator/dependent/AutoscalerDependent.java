package io.qwenops.operator.dependent;

import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.qwenops.operator.crd.QwenDeployment;
import io.qwenops.operator.desired.DesiredAutoscaler;
import io.qwenops.operator.naming.Names;

/** The HorizontalPodAutoscaler; {@link AutoscalingRequested} decides whether it exists. */
@KubernetesDependent(informer = @Informer(labelSelector = Names.MANAGED_SELECTOR))
public class AutoscalerDependent extends AppliedDependent<HorizontalPodAutoscaler> {

  public AutoscalerDependent() {
    super(HorizontalPodAutoscaler.class);
  }

  @Override
  protected HorizontalPodAutoscaler desired(
      QwenDeployment primary, Context<QwenDeployment> context) {
    return DesiredAutoscaler.of(primary);
  }

  /** Named without desired(): once autoscaling is removed the HPA must still be found. */
  @Override
  protected ResourceID targetSecondaryResourceID(
      QwenDeployment primary, Context<QwenDeployment> context) {
    return new ResourceID(Names.autoscaler(primary), primary.getMetadata().getNamespace());
  }
}
