package io.qwenops.operator.desired;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.qwenops.operator.crd.QwenDeployment;
import io.qwenops.operator.crd.QwenDeploymentSpec;
import io.qwenops.operator.model.ModelSource;
import io.qwenops.operator.naming.Names;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Deployment a QwenDeployment asks for. A pure function of the spec and the operator's default
 * images: no cluster reads.
 */
public final class DesiredDeployment {

  private DesiredDeployment() {}

  /** With the build's default images (tests and tools; the operator passes its own). */
  public static Deployment of(QwenDeployment qd) {
    return of(qd, DefaultImages.BUILD);
  }

  /**
   * @param images what an image left unset in spec.images becomes
   * @throws IllegalArgumentException when model.source cannot be parsed (validate first)
   */
  public static Deployment of(QwenDeployment qd, DefaultImages images) {
    QwenDeploymentSpec spec = qd.getSpec();
    ModelSource source = ModelSource.parse(spec.getModel().getSource());
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName(Names.deployment(qd))
        .withNamespace(qd.getMetadata().getNamespace())
        .withLabels(Names.labels(qd))
        .endMetadata()
        .withNewSpec()
        .withReplicas(spec.getReplicas())
        .withNewSelector()
        .withMatchLabels(Names.selectorLabels(qd))
        .endSelector()
        // Never surge: a rollout must not need GPUs the cluster may not have spare.
        .withNewStrategy()
        .withType("RollingUpdate")
        .withNewRollingUpdate()
        .withMaxSurge(new IntOrString(0))
        .withMaxUnavailable(new IntOrString(1))
        .endRollingUpdate()
        .endStrategy()
        .withProgressDeadlineSeconds(PodTiming.progressDeadlineSeconds(spec))
        .withRevisionHistoryLimit(3)
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(podLabels(qd))
        .withAnnotations(
            spec.getPodAnnotations() == null ? null : new LinkedHashMap<>(spec.getPodAnnotations()))
        .endMetadata()
        .withSpec(podSpec(qd, source, images))
        .endTemplate()
        .endSpec()
        .build();
  }

  private static PodSpec podSpec(QwenDeployment qd, ModelSource source, DefaultImages images) {
    QwenDeploymentSpec spec = qd.getSpec();
    List<Container> containers = new ArrayList<>();
    containers.add(InferenceContainer.build(spec, source, images));
    if (spec.getExporter().getEnabled()) {
      containers.add(ExporterContainer.build(spec, images));
    }
    PodSpecBuilder pod =
        new PodSpecBuilder()
            .withContainers(containers)
            .withVolumes(PodVolumes.volumes(qd, source))
            .withSecurityContext(SecurityDefaults.pod())
            // Inference pods never talk to the Kubernetes API.
            .withAutomountServiceAccountToken(false)
            .withEnableServiceLinks(false)
            .withTerminationGracePeriodSeconds((long) PodTiming.terminationGraceSeconds(spec))
            .withNodeSelector(spec.getNodeSelector())
            .withTolerations(spec.getTolerations())
            .withAffinity(spec.getAffinity())
            .withPriorityClassName(spec.getPriorityClassName())
            .withServiceAccountName(spec.getServiceAccountName())
            .withResourceClaims(GpuAccess.podClaims(spec));
    if (GpuAccess.usesGpus(spec)
        && spec.getRuntimeClassName() != null
        && !spec.getRuntimeClassName().isBlank()) {
      pod.withRuntimeClassName(spec.getRuntimeClassName());
    }
    if (spec.getImages().getPullSecrets() != null) {
      spec.getImages()
          .getPullSecrets()
          .forEach(s -> pod.addToImagePullSecrets(new LocalObjectReference(s)));
    }
    return pod.build();
  }

  /** The user's pod labels, then the operator's: a reserved key (refused anyway) never wins. */
  private static Map<String, String> podLabels(QwenDeployment qd) {
    Map<String, String> labels = new LinkedHashMap<>();
    if (qd.getSpec().getPodLabels() != null) {
      labels.putAll(qd.getSpec().getPodLabels());
    }
    labels.putAll(Names.labels(qd));
    return labels;
  }
}
