package io.qwenops.operator.desired;

import static io.qwenops.operator.desired.DesiredStateTest.qwen;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Quantity;
import io.qwenops.operator.crd.AutoscalingMetric;
import io.qwenops.operator.crd.AutoscalingSpec;
import io.qwenops.operator.crd.QwenDeployment;
import org.junit.jupiter.api.Test;

/** The HorizontalPodAutoscaler spec.autoscaling asks for. */
class DesiredAutoscalerTest {

  static QwenDeployment autoscaled(int min, int max) {
    QwenDeployment qd = qwen("hf://Qwen/Qwen2.5-0.5B-Instruct");
    AutoscalingSpec autoscaling = new AutoscalingSpec();
    autoscaling.setMinReplicas(min);
    autoscaling.setMaxReplicas(max);
    qd.getSpec().setAutoscaling(autoscaling);
    return qd;
  }

  @Test
  void scalesTheQwenDeploymentOnWaitingRequestsPerPodByDefault() {
    var hpa = DesiredAutoscaler.of(autoscaled(1, 4));
    assertThat(hpa.getMetadata().getName()).isEqualTo("chat");
    assertThat(hpa.getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/managed-by", "qwenops-operator");
    var target = hpa.getSpec().getScaleTargetRef();
    assertThat(target.getApiVersion()).isEqualTo("qwenops.io/v1alpha1");
    assertThat(target.getKind()).isEqualTo("QwenDeployment");
    assertThat(target.getName()).isEqualTo("chat");
    assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(1);
    assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(4);
    var metric = hpa.getSpec().getMetrics().getFirst();
    assertThat(metric.getType()).isEqualTo("Pods");
    assertThat(metric.getPods().getMetric().getName()).isEqualTo("vllm_num_requests_waiting");
    assertThat(metric.getPods().getTarget().getType()).isEqualTo("AverageValue");
    assertThat(metric.getPods().getTarget().getAverageValue()).isEqualTo(new Quantity("4"));
  }

  @Test
  void kvCacheUsageTargetsAFractionAndTakesTheUsersTarget() {
    QwenDeployment qd = autoscaled(2, 8);
    qd.getSpec().getAutoscaling().setMetric(AutoscalingMetric.KvCacheUsage);
    var pods = DesiredAutoscaler.of(qd).getSpec().getMetrics().getFirst().getPods();
    assertThat(pods.getMetric().getName()).isEqualTo("vllm_kv_cache_usage_perc");
    assertThat(pods.getTarget().getAverageValue()).isEqualTo(new Quantity("800m"));

    qd.getSpec().getAutoscaling().setTarget(new Quantity("700m"));
    assertThat(
            DesiredAutoscaler.of(qd)
                .getSpec()
                .getMetrics()
                .getFirst()
                .getPods()
                .getTarget()
                .getAverageValue())
        .isEqualTo(new Quantity("700m"));
  }

  @Test
  void theDeploymentFollowsSpecReplicasWhichTheAutoscalerWrites() {
    QwenDeployment qd = autoscaled(1, 4);
    qd.getSpec().setReplicas(3);
    assertThat(DesiredDeployment.of(qd).getSpec().getReplicas()).isEqualTo(3);
  }
}
