package io.qwenops.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import java.util.List;

/** The gpu-exporter sidecar. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ExporterSpec {

  @JsonPropertyDescription("Run the gpu-exporter sidecar next to each inference container.")
  @Default("true")
  private Boolean enabled = true;

  @JsonPropertyDescription("Sampling interval, e.g. 500ms or 1s; passed as QWENOPS_INTERVAL_MS.")
  @Default("500ms")
  @Pattern("^[0-9]+(ms|s)$")
  private String interval = "500ms";

  @JsonPropertyDescription(
      "Secret key holding a bearer token the sidecar then requires on every route but /health"
          + " (key defaults to token). Mounted read-only into the sidecar only; the operator sends"
          + " it when it asks a pod for its GPU UUIDs.")
  private SecretKeyRef tokenSecretRef;

  @JsonPropertyDescription(
      "Also publish the telemetry port (9400) on the QwenDeployment's Service. Off by default:"
          + " the operator reaches the sidecars by pod IP, and the Service is for OpenAI clients.")
  @Default("false")
  private Boolean publishOnService = false;

  @JsonPropertyDescription(
      "How the sidecar sees the inference container's GPUs. Env: NVIDIA_VISIBLE_DEVICES=all, the"
          + " node's every GPU under the NVIDIA runtime, filtered to the container's by UUID."
          + " ResourceClaim: it references the pod's GPU claim (resources.gpuClaim) and sees"
          + " exactly those devices. Unset: ResourceClaim with resources.gpuClaim, else Env.")
  private GpuVisibility gpuVisibility;

  @JsonPropertyDescription(
      "Extra environment variables of the sidecar (e.g. proxies). Names the operator sets are"
          + " refused.")
  @Size(max = ReservedNames.MAX_ENV)
  @ValidationRule(
      value = ReservedNames.EXPORTER_ENV_RULE,
      message = ReservedNames.EXPORTER_ENV_MESSAGE)
  private List<EnvVar> env;

  @JsonPropertyDescription(
      "ConfigMaps and Secrets whose keys become the sidecar's environment; the operator's own"
          + " variables win over a key of the same name.")
  @Size(max = ReservedNames.MAX_ENV)
  private List<EnvFromSource> envFrom;

  public GpuVisibility getGpuVisibility() {
    return gpuVisibility;
  }

  public void setGpuVisibility(GpuVisibility gpuVisibility) {
    this.gpuVisibility = gpuVisibility;
  }

  public List<EnvVar> getEnv() {
    return env;
  }

  public void setEnv(List<EnvVar> env) {
    this.env = env;
  }

  public List<EnvFromSource> getEnvFrom() {
    return envFrom;
  }

  public void setEnvFrom(List<EnvFromSource> envFrom) {
    this.envFrom = envFrom;
  }

  public Boolean getEnabled() {
    return enabled;
  }

  public void setEnabled(Boolean enabled) {
    this.enabled = enabled;
  }

  public String getInterval() {
    return interval;
  }

  public void setInterval(String interval) {
    this.interval = interval;
  }

  public SecretKeyRef getTokenSecretRef() {
    return tokenSecretRef;
  }

  public void setTokenSecretRef(SecretKeyRef tokenSecretRef) {
    this.tokenSecretRef = tokenSecretRef;
  }

  public Boolean getPublishOnService() {
    return publishOnService;
  }

  public void setPublishOnService(Boolean publishOnService) {
    this.publishOnService = publishOnService;
  }

  /** The interval in milliseconds; the schema pattern guarantees the form. */
  public long intervalMillis() {
    String value = interval == null ? "500ms" : interval;
    if (value.endsWith("ms")) {
      return Long.parseLong(value.substring(0, value.length() - 2));
    }
    return Long.parseLong(value.substring(0, value.length() - 1)) * 1000;
  }
}
