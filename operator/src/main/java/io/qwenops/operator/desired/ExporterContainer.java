package io.qwenops.operator.desired;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Quantity;
import io.qwenops.operator.crd.GpuVisibility;
import io.qwenops.operator.crd.QwenDeploymentSpec;
import java.util.List;
import java.util.Map;

/**
 * The gpu-exporter sidecar. It requests no GPU count, so the NVIDIA runtime would hide the devices
 * from it. Two ways to see them ({@code exporter.gpuVisibility}): Env sets
 * NVIDIA_VISIBLE_DEVICES=all, which shows it every GPU of the node, and it keeps only the UUIDs the
 * inference container writes to the shared file; ResourceClaim makes it reference the pod's DRA
 * claim, so the driver gives it exactly the inference container's devices.
 */
final class ExporterContainer {

  private ExporterContainer() {}

  static Container build(QwenDeploymentSpec spec, DefaultImages images) {
    String interval = Long.toString(spec.getExporter().intervalMillis());
    boolean token = spec.getExporter().getTokenSecretRef() != null;
    ContainerBuilder container =
        new ContainerBuilder()
            .withName(PodContract.EXPORTER_CONTAINER)
            .withImage(images.exporterFor(spec.getImages()))
            .withImagePullPolicy(spec.getImages().getPullPolicy())
            .withEnv(
                fieldRef("POD_NAME", "metadata.name"),
                fieldRef("POD_NAMESPACE", "metadata.namespace"),
                fieldRef("NODE_NAME", "spec.nodeName"),
                // A small serial-GC heap keeps the JVM well inside the memory limit below.
                new EnvVar("JAVA_TOOL_OPTIONS", "-XX:+UseSerialGC -Xmx128m -Xss512k", null),
                new EnvVar(PodContract.ENV_GPU_UUIDS_FILE, PodContract.GPU_UUIDS_FILE, null),
                new EnvVar(PodContract.ENV_INTERVAL_MS, interval, null),
                // The name gpu-exporter reads; QWENOPS_INTERVAL_MS is the name agreed in the issue.
                new EnvVar(PodContract.ENV_EXPORTER_INTERVAL_MS, interval, null),
                // Its metrics' container label: whose GPUs these are.
                new EnvVar(
                    PodContract.ENV_EXPORTER_CONTAINER_NAME, PodContract.INFERENCE_CONTAINER, null))
            .addNewPort()
            .withName(PodContract.TELEMETRY_PORT_NAME)
            .withContainerPort(PodContract.TELEMETRY_PORT)
            .withProtocol("TCP")
            .endPort()
            .withEnvFrom(
                spec.getExporter().getEnvFrom() == null
                    ? List.of()
                    : spec.getExporter().getEnvFrom())
            .withNewResources()
            .withRequests(Map.of("cpu", new Quantity("50m"), "memory", new Quantity("64Mi")))
            .withLimits(Map.of("memory", new Quantity("256Mi")))
            .withClaims(GpuAccess.exporterClaims(spec))
            .endResources()
            // Liveness only: telemetry trouble must never take the OpenAI endpoint out of the
            // Service.
            .withNewLivenessProbe()
            .withNewHttpGet()
            .withPath(PodContract.EXPORTER_HEALTH_PATH)
            .withPort(new IntOrString(PodContract.TELEMETRY_PORT_NAME))
            .endHttpGet()
            .withInitialDelaySeconds(10)
            .withPeriodSeconds(20)
            .withTimeoutSeconds(3)
            .withFailureThreshold(3)
            .endLivenessProbe()
            .withVolumeMounts(PodVolumes.exporterMounts(token))
            .withTerminationMessagePolicy(PodContract.TERMINATION_MESSAGE_POLICY)
            .withSecurityContext(SecurityDefaults.container());
    if (GpuAccess.visibility(spec) == GpuVisibility.Env) {
      container.addToEnv(
          new EnvVar("NVIDIA_VISIBLE_DEVICES", "all", null),
          // NVML is all it needs: the runtime mounts the driver's utility libraries, nothing else.
          new EnvVar("NVIDIA_DRIVER_CAPABILITIES", "utility", null));
    }
    if (token) {
      container.addToEnv(
          new EnvVar(PodContract.ENV_EXPORTER_TOKEN_FILE, PodContract.EXPORTER_TOKEN_FILE, null));
    }
    if (spec.getExporter().getEnv() != null) {
      container.addAllToEnv(spec.getExporter().getEnv());
    }
    return container.build();
  }

  private static EnvVar fieldRef(String name, String path) {
    return new EnvVarBuilder()
        .withName(name)
        .withNewValueFrom()
        .withNewFieldRef()
        .withFieldPath(path)
        .endFieldRef()
        .endValueFrom()
        .build();
  }
}
