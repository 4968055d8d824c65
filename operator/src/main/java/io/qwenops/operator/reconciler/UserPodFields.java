package io.qwenops.operator.reconciler;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Quantity;
import io.qwenops.operator.crd.AutoscalingSpec;
import io.qwenops.operator.crd.GpuVisibility;
import io.qwenops.operator.crd.QwenDeploymentSpec;
import io.qwenops.operator.crd.ReservedNames;
import io.qwenops.operator.desired.ModelCacheSize;
import io.qwenops.operator.model.ModelSource;
import io.qwenops.operator.naming.ValidName;
import io.qwenops.operator.status.SpecProblem;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The pod fields a user adds (env, labels, annotations, service account, GPU resource, autoscaling
 * bounds, storage): the same checks the schema's rules make, for API servers that let a value
 * through, plus those no schema can make.
 */
final class UserPodFields {

  /** A qualified name: DNS subdomain prefix, '/', a name of at most 63 characters. */
  private static final Pattern EXTENDED_RESOURCE =
      Pattern.compile(
          "([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)/"
              + "([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)");

  private UserPodFields() {}

  static Optional<SpecProblem> check(QwenDeploymentSpec spec, ModelSource source) {
    return reservedEnv(spec.getEnv(), "env", ReservedNames::reservedInferenceEnv)
        .or(
            () ->
                reservedEnv(
                    spec.getExporter().getEnv(),
                    "exporter.env",
                    ReservedNames::reservedExporterEnv))
        .or(() -> podMetadata(spec))
        .or(() -> serviceAccount(spec.getServiceAccountName()))
        .or(() -> gpuResource(spec.getResources().getGpuResourceName()))
        .or(() -> gpuVisibility(spec))
        .or(() -> autoscaling(spec.getAutoscaling()))
        .or(() -> ephemeralStorage(spec, source));
  }

  private static Optional<SpecProblem> reservedEnv(
      List<EnvVar> env, String field, Predicate<String> reserved) {
    if (env == null) {
      return Optional.empty();
    }
    return env.stream()
        .map(EnvVar::getName)
        .filter(name -> name != null && reserved.test(name))
        .findFirst()
        .map(
            name ->
                new SpecProblem(
                    "ReservedEnvVar",
                    field
                        + " sets "
                        + name
                        + ", which the operator sets itself (docs/operator.md, the container"
                        + " contracts): remove it"
                        + hint(name)));
  }

  private static String hint(String name) {
    return switch (name) {
      case "HF_TOKEN" -> "; use model.hfTokenSecretRef for the Hugging Face token";
      case "JDK_JAVA_OPTIONS" -> "; put JVM flags in JAVA_TOOL_OPTIONS";
      case "JAVA_TOOL_OPTIONS" -> "; put JVM flags in JDK_JAVA_OPTIONS";
      case "NVIDIA_VISIBLE_DEVICES", "NVIDIA_DRIVER_CAPABILITIES" ->
          "; exporter.gpuVisibility chooses how the sidecar sees GPUs";
      default -> "";
    };
  }

  private static Optional<SpecProblem> podMetadata(QwenDeploymentSpec spec) {
    Map<String, String> labels = spec.getPodLabels() == null ? Map.of() : spec.getPodLabels();
    for (String key : ReservedNames.POD_LABELS) {
      if (labels.containsKey(key)) {
        return problem(
            "ReservedPodLabel",
            "podLabels sets "
                + key
                + ", which the operator selects and watches its pods by: remove it");
      }
    }
    for (var label : labels.entrySet()) {
      if (!ValidName.LABEL_VALUE.matcher(label.getValue()).matches()
          || label.getValue().length() > ValidName.LABEL_MAX) {
        return problem(
            "InvalidPodLabel",
            "podLabels."
                + label.getKey()
                + " '"
                + label.getValue()
                + "' is not a label value: at most 63 letters, digits, '-', '_' and '.',"
                + " starting and ending with a letter or digit");
      }
    }
    if (spec.getPodAnnotations() != null
        && spec.getPodAnnotations().containsKey(ReservedNames.GPU_UUIDS_ANNOTATION)) {
      return problem(
          "ReservedPodAnnotation",
          "podAnnotations sets "
              + ReservedNames.GPU_UUIDS_ANNOTATION
              + ", which names one pod's GPUs, not every pod's: remove it");
    }
    return Optional.empty();
  }

  private static Optional<SpecProblem> serviceAccount(String name) {
    if (name == null || ValidName.isDns1123Subdomain(name)) {
      return Optional.empty();
    }
    return problem(
        "InvalidServiceAccountName",
        "serviceAccountName '"
            + name
            + "' is not a ServiceAccount name: lower-case letters, digits, '-' and '.', at most"
            + " 253");
  }

  private static Optional<SpecProblem> gpuResource(String name) {
    if (name == null) {
      return Optional.empty();
    }
    var m = EXTENDED_RESOURCE.matcher(name);
    boolean valid =
        m.matches()
            && m.group(1).length() <= ValidName.SUBDOMAIN_MAX
            && m.group(5).length() <= ValidName.LABEL_MAX
            && !m.group(1).equals("kubernetes.io")
            && !m.group(1).endsWith(".kubernetes.io")
            && !name.startsWith("requests.");
    if (valid) {
      return Optional.empty();
    }
    return problem(
        "InvalidGpuResourceName",
        "resources.gpuResourceName '"
            + name
            + "' is not an extended resource name: DOMAIN/NAME outside kubernetes.io, e.g."
            + " nvidia.com/gpu or nvidia.com/mig-1g.10gb");
  }

  private static Optional<SpecProblem> gpuVisibility(QwenDeploymentSpec spec) {
    if (spec.getExporter().getGpuVisibility() == GpuVisibility.ResourceClaim
        && spec.getResources().getGpuClaim() == null) {
      return problem(
          "InvalidGpuVisibility",
          "exporter.gpuVisibility ResourceClaim needs resources.gpuClaim (a"
              + " ResourceClaimTemplate the pods' GPUs come from); without it use Env");
    }
    return Optional.empty();
  }

  private static Optional<SpecProblem> autoscaling(AutoscalingSpec autoscaling) {
    if (autoscaling == null) {
      return Optional.empty();
    }
    int min = autoscaling.getMinReplicas() == null ? 1 : autoscaling.getMinReplicas();
    if (autoscaling.getMaxReplicas() == null || autoscaling.getMaxReplicas() < min || min < 1) {
      return problem(
          "InvalidAutoscaling",
          "autoscaling needs 1 <= minReplicas <= maxReplicas (minReplicas "
              + min
              + ", maxReplicas "
              + autoscaling.getMaxReplicas()
              + ")");
    }
    return Optional.empty();
  }

  /** Below the emptyDir's size, a download that fills the cache evicts the pod mid-way. */
  private static Optional<SpecProblem> ephemeralStorage(
      QwenDeploymentSpec spec, ModelSource source) {
    Quantity asked = spec.getResources().getEphemeralStorage();
    if (asked == null) {
      return Optional.empty();
    }
    Optional<Quantity> needed = ModelCacheSize.ephemeralStorage(spec.getModelCache(), source);
    if (needed.isEmpty()
        || Quantity.getAmountInBytes(asked).compareTo(Quantity.getAmountInBytes(needed.get()))
            >= 0) {
      return Optional.empty();
    }
    return problem(
        "EphemeralStorageTooSmall",
        "resources.ephemeralStorage "
            + asked
            + " is less than the model cache emptyDir plus 1Gi of scratch ("
            + needed.get()
            + "): the kubelet would evict the pod while it downloads. Raise it, lower"
            + " modelCache.size, or use a cache PVC (modelCache.type Managed)");
  }

  private static Optional<SpecProblem> problem(String reason, String message) {
    return Optional.of(new SpecProblem(reason, message));
  }
}
