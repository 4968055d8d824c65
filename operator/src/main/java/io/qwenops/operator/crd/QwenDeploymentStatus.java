package io.qwenops.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.model.annotation.LabelSelector;
import io.fabric8.kubernetes.model.annotation.StatusReplicas;
import java.util.List;

/** What the operator observed; written only by the operator. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class QwenDeploymentStatus {

  @JsonPropertyDescription("The spec generation this status describes.")
  private Long observedGeneration;

  @JsonPropertyDescription("Inference pods that exist.")
  @StatusReplicas
  private Integer replicas;

  @JsonPropertyDescription("Inference pods that are ready.")
  private Integer readyReplicas;

  @JsonPropertyDescription("readyReplicas/desired replicas, for kubectl get.")
  private String ready;

  @JsonPropertyDescription("In-cluster OpenAI base URL.")
  private String endpoint;

  @JsonPropertyDescription("Label selector of the inference pods (for the scale subresource).")
  @LabelSelector
  private String selector;

  @JsonPropertyDescription(
      "While a pod downloads the model: how far the least advanced one is, e.g. '42% of 988 MB'.")
  private String download;

  @JsonPropertyDescription("The inference pods.")
  private List<PodSummary> pods;

  @JsonPropertyDescription("Ready, Progressing, Degraded and Downloading.")
  private List<Condition> conditions;

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public Integer getReplicas() {
    return replicas;
  }

  public void setReplicas(Integer replicas) {
    this.replicas = replicas;
  }

  public Integer getReadyReplicas() {
    return readyReplicas;
  }

  public void setReadyReplicas(Integer readyReplicas) {
    this.readyReplicas = readyReplicas;
  }

  public String getReady() {
    return ready;
  }

  public void setReady(String ready) {
    this.ready = ready;
  }

  public String getEndpoint() {
    return endpoint;
  }

  public void setEndpoint(String endpoint) {
    this.endpoint = endpoint;
  }

  public String getSelector() {
    return selector;
  }

  public void setSelector(String selector) {
    this.selector = selector;
  }

  public String getDownload() {
    return download;
  }

  public void setDownload(String download) {
    this.download = download;
  }

  public List<PodSummary> getPods() {
    return pods;
  }

  public void setPods(List<PodSummary> pods) {
    this.pods = pods;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }
}
