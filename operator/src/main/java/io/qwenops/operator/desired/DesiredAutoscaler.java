package io.qwenops.operator.desired;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.qwenops.operator.crd.AutoscalingMetric;
import io.qwenops.operator.crd.AutoscalingSpec;
import io.qwenops.operator.crd.QwenDeployment;
import io.qwenops.operator.naming.Names;

/**
 * The HorizontalPodAutoscaler for {@code spec.autoscaling}. It scales the QwenDeployment itself,
 * through its scale subresource, not the Deployment: the HPA then writes {@code spec.replicas},
 * which stays the one replica count that the Deployment, the disruption budget and {@code
 * status.ready} all follow, and the operator never fights the HPA over the Deployment's replicas.
 */
public final class DesiredAutoscaler {

  /** The names prometheus-adapter serves the pods' vLLM gauges under (docs/operator.md). */
  public static final String REQUESTS_WAITING_METRIC = "vllm_num_requests_waiting";

  public static final String KV_CACHE_USAGE_METRIC = "vllm_kv_cache_usage_perc";

  static final Quantity DEFAULT_REQUESTS_WAITING = new Quantity("4");
  static final Quantity DEFAULT_KV_CACHE_USAGE = new Quantity("800m");

  private DesiredAutoscaler() {}

  public static HorizontalPodAutoscaler of(QwenDeployment qd) {
    AutoscalingSpec autoscaling = qd.getSpec().getAutoscaling();
    boolean kv = autoscaling.getMetric() == AutoscalingMetric.KvCacheUsage;
    Quantity target =
        autoscaling.getTarget() != null
            ? autoscaling.getTarget()
            : kv ? DEFAULT_KV_CACHE_USAGE : DEFAULT_REQUESTS_WAITING;
    return new HorizontalPodAutoscalerBuilder()
        .withNewMetadata()
        .withName(Names.autoscaler(qd))
        .withNamespace(qd.getMetadata().getNamespace())
        .withLabels(Names.labels(qd))
        .endMetadata()
        .withNewSpec()
        .withNewScaleTargetRef()
        .withApiVersion(qd.getApiVersion())
        .withKind(qd.getKind())
        .withName(qd.getMetadata().getName())
        .endScaleTargetRef()
        .withMinReplicas(autoscaling.getMinReplicas() == null ? 1 : autoscaling.getMinReplicas())
        .withMaxReplicas(autoscaling.getMaxReplicas())
        .addNewMetric()
        .withType("Pods")
        .withNewPods()
        .withNewMetric()
        .withName(kv ? KV_CACHE_USAGE_METRIC : REQUESTS_WAITING_METRIC)
        .endMetric()
        .withNewTarget()
        .withType("AverageValue")
        .withAverageValue(target)
        .endTarget()
        .endPods()
        .endMetric()
        .endSpec()
        .build();
  }
}
