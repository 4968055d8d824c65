package io.qwenops.operator.dependent;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.qwenops.operator.crd.QwenDeployment;
import io.qwenops.operator.desired.DefaultImages;
import io.qwenops.operator.desired.DesiredDeployment;
import io.qwenops.operator.naming.Names;

/** The inference pods' Deployment. */
@KubernetesDependent(informer = @Informer(labelSelector = Names.MANAGED_SELECTOR))
public class InferenceDeploymentDependent extends AppliedDependent<Deployment> {

  public InferenceDeploymentDependent() {
    super(Deployment.class);
  }

  @Override
  protected Deployment desired(QwenDeployment primary, Context<QwenDeployment> context) {
    DefaultImages images =
        context
            .managedWorkflowAndDependentResourceContext()
            .get(DefaultImages.class.getName(), DefaultImages.class)
            .orElse(DefaultImages.BUILD);
    return DesiredDeployment.of(primary, images);
  }
}
