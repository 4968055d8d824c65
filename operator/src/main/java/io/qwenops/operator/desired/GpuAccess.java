package io.qwenops.operator.desired;

import io.fabric8.kubernetes.api.model.PodResourceClaim;
import io.fabric8.kubernetes.api.model.PodResourceClaimBuilder;
import io.fabric8.kubernetes.api.model.ResourceClaim;
import io.qwenops.operator.crd.ExporterSpec;
import io.qwenops.operator.crd.GpuClaimSpec;
import io.qwenops.operator.crd.GpuVisibility;
import io.qwenops.operator.crd.QwenDeploymentSpec;
import java.util.List;
import java.util.Optional;

/**
 * How the pod gets its GPUs: a device-plugin count ({@code resources.gpus} of {@code
 * resources.gpuResourceName}), or one DRA ResourceClaim ({@code resources.gpuClaim}) that the
 * inference container, and with {@code gpuVisibility: ResourceClaim} the sidecar, reference.
 */
public final class GpuAccess {

  /** The pod's name for its GPU claim (pod.spec.resourceClaims[].name). */
  public static final String CLAIM_NAME = "gpu";

  private GpuAccess() {}

  static Optional<GpuClaimSpec> claim(QwenDeploymentSpec spec) {
    return Optional.ofNullable(spec.getResources().getGpuClaim());
  }

  /** Device-plugin GPUs per pod; 0 with a claim, which replaces the count. */
  static int deviceCount(QwenDeploymentSpec spec) {
    Integer gpus = spec.getResources().getGpus();
    return claim(spec).isPresent() || gpus == null ? 0 : gpus;
  }

  static boolean usesGpus(QwenDeploymentSpec spec) {
    return claim(spec).isPresent() || deviceCount(spec) > 0;
  }

  /** The exporter's visibility: as set, else ResourceClaim when the pod has a claim. */
  public static GpuVisibility visibility(QwenDeploymentSpec spec) {
    ExporterSpec exporter = spec.getExporter();
    if (exporter.getGpuVisibility() != null) {
      return exporter.getGpuVisibility();
    }
    return claim(spec).isPresent() ? GpuVisibility.ResourceClaim : GpuVisibility.Env;
  }

  static List<PodResourceClaim> podClaims(QwenDeploymentSpec spec) {
    return claim(spec)
        .map(
            c ->
                List.of(
                    new PodResourceClaimBuilder()
                        .withName(CLAIM_NAME)
                        .withResourceClaimTemplateName(c.getResourceClaimTemplateName())
                        .build()))
        .orElse(List.of());
  }

  static List<ResourceClaim> inferenceClaims(QwenDeploymentSpec spec) {
    return claim(spec).map(c -> List.of(new ResourceClaim(CLAIM_NAME, null))).orElse(List.of());
  }

  static List<ResourceClaim> exporterClaims(QwenDeploymentSpec spec) {
    return claim(spec).isPresent() && visibility(spec) == GpuVisibility.ResourceClaim
        ? List.of(new ResourceClaim(CLAIM_NAME, null))
        : List.of();
  }
}
