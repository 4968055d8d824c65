package io.qwenops.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Quantity;

/** Compute per inference pod. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ResourcesSpec {

  /** The device plugin's resource when {@link #gpuResourceName} is unset. */
  public static final String DEFAULT_GPU_RESOURCE = "nvidia.com/gpu";

  @JsonPropertyDescription(
      "GPUs per pod, as gpuResourceName (request = limit); 0 runs without a GPU. Not used with"
          + " gpuClaim, whose template says which devices a pod gets.")
  @Default("1")
  @Min(0)
  private Integer gpus = 1;

  @JsonPropertyDescription(
      "Extended resource the GPUs are requested as: nvidia.com/gpu when unset; a MIG slice such"
          + " as nvidia.com/mig-1g.10gb, or another vendor's, e.g. amd.com/gpu.")
  @Size(max = 317)
  @Pattern(
      "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$")
  @ValidationRule(
      value =
          "!self.startsWith('kubernetes.io/') && !self.contains('.kubernetes.io/')"
              + " && !self.startsWith('requests.')",
      message =
          "resources.gpuResourceName must be an extended resource: outside the kubernetes.io"
              + " domain, e.g. nvidia.com/gpu")
  private String gpuResourceName;

  @JsonPropertyDescription(
      "GPUs through Dynamic Resource Allocation instead of a device-plugin count: the pod's"
          + " ResourceClaim comes from this template.")
  private GpuClaimSpec gpuClaim;

  @JsonPropertyDescription("CPU request of the inference container.")
  private Quantity cpu;

  @JsonPropertyDescription("Memory request and limit of the inference container.")
  private Quantity memory;

  @JsonPropertyDescription(
      "Ephemeral-storage request and limit of the inference container. Unset: with modelCache"
          + " None, the cache emptyDir's size plus 1Gi; otherwise none.")
  private Quantity ephemeralStorage;

  public Integer getGpus() {
    return gpus;
  }

  public void setGpus(Integer gpus) {
    this.gpus = gpus;
  }

  public String getGpuResourceName() {
    return gpuResourceName;
  }

  public void setGpuResourceName(String gpuResourceName) {
    this.gpuResourceName = gpuResourceName;
  }

  /** The resource name GPUs are requested as. */
  public String gpuResourceOrDefault() {
    return gpuResourceName == null || gpuResourceName.isBlank()
        ? DEFAULT_GPU_RESOURCE
        : gpuResourceName;
  }

  public GpuClaimSpec getGpuClaim() {
    return gpuClaim;
  }

  public void setGpuClaim(GpuClaimSpec gpuClaim) {
    this.gpuClaim = gpuClaim;
  }

  public Quantity getCpu() {
    return cpu;
  }

  public void setCpu(Quantity cpu) {
    this.cpu = cpu;
  }

  public Quantity getMemory() {
    return memory;
  }

  public void setMemory(Quantity memory) {
    this.memory = memory;
  }

  public Quantity getEphemeralStorage() {
    return ephemeralStorage;
  }

  public void setEphemeralStorage(Quantity ephemeralStorage) {
    this.ephemeralStorage = ephemeralStorage;
  }
}
