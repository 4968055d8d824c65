package io.qwenops.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Quantity;

/** Bounds and metric of the HorizontalPodAutoscaler the operator makes for the inference pods. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!has(self.minReplicas) || self.minReplicas <= self.maxReplicas",
    message = "autoscaling.minReplicas must not exceed autoscaling.maxReplicas")
public class AutoscalingSpec {

  @JsonPropertyDescription("Fewest inference pods.")
  @Default("1")
  @Min(1)
  private Integer minReplicas = 1;

  @JsonPropertyDescription("Most inference pods.")
  @Required
  @Min(1)
  private Integer maxReplicas;

  @JsonPropertyDescription(
      "RequestsWaiting (vllm:num_requests_waiting) or KvCacheUsage (vllm:kv_cache_usage_perc),"
          + " averaged over the pods; served to the HPA by an adapter (docs/operator.md).")
  @Default("RequestsWaiting")
  private AutoscalingMetric metric = AutoscalingMetric.RequestsWaiting;

  @JsonPropertyDescription(
      "Average per pod to hold the metric at: waiting requests (4 when unset) or the KV cache"
          + " fraction (800m, i.e. 0.8, when unset).")
  private Quantity target;

  public Integer getMinReplicas() {
    return minReplicas;
  }

  public void setMinReplicas(Integer minReplicas) {
    this.minReplicas = minReplicas;
  }

  public Integer getMaxReplicas() {
    return maxReplicas;
  }

  public void setMaxReplicas(Integer maxReplicas) {
    this.maxReplicas = maxReplicas;
  }

  public AutoscalingMetric getMetric() {
    return metric;
  }

  public void setMetric(AutoscalingMetric metric) {
    this.metric = metric;
  }

  public Quantity getTarget() {
    return target;
  }

  public void setTarget(Quantity target) {
    this.target = target;
  }
}
