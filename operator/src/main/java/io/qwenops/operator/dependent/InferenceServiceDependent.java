package io.qwenops.operator.dependent;

import io.fabric8.kubernetes.api.model.Service;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.qwenops.operator.crd.QwenDeployment;
import io.qwenops.operator.desired.DesiredService;
import io.qwenops.operator.naming.Names;

/** The Service with the openai and telemetry ports. */
@KubernetesDependent(informer = @Informer(labelSelector = Names.MANAGED_SELECTOR))
public class InferenceServiceDependent extends AppliedDependent<Service> {

  public InferenceServiceDependent() {
    super(Service.class);
  }

  @Override
  protected Service desired(QwenDeployment primary, Context<QwenDeployment> context) {
    return DesiredService.of(primary);
  }
}
