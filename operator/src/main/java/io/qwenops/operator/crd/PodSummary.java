package io.qwenops.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** One inference pod as `kubectl get qd -o yaml` shows it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PodSummary {

  @JsonPropertyDescription("Pod name.")
  private String name;

  @JsonPropertyDescription("Node the pod runs on.")
  private String node;

  @JsonPropertyDescription("Pod phase.")
  private String phase;

  @JsonPropertyDescription("Whether the pod passes its readiness probes.")
  private Boolean ready;

  @JsonPropertyDescription(
      "UUIDs of the inference container's GPUs, when known: as its gpu-exporter sidecar reports"
          + " them, or from the pod annotation qwenops.io/gpu-uuids, which overrides.")
  private List<String> gpuUuids;

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getNode() {
    return node;
  }

  public void setNode(String node) {
    this.node = node;
  }

  public String getPhase() {
    return phase;
  }

  public void setPhase(String phase) {
    this.phase = phase;
  }

  public Boolean getReady() {
    return ready;
  }

  public void setReady(Boolean ready) {
    this.ready = ready;
  }

  public List<String> getGpuUuids() {
    return gpuUuids;
  }

  public void setGpuUuids(List<String> gpuUuids) {
    this.gpuUuids = gpuUuids;
  }
}
