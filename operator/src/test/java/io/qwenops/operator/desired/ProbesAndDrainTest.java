package io.qwenops.operator.desired;

import static io.qwenops.operator.desired.DesiredStateTest.container;
import static io.qwenops.operator.desired.DesiredStateTest.plainEnv;
import static io.qwenops.operator.desired.DesiredStateTest.qwen;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.qwenops.operator.crd.QwenDeployment;
import org.junit.jupiter.api.Test;

/** What the pod's probes and stop sequence promise, from the builders alone. */
class ProbesAndDrainTest {

  static int budgetSeconds(Probe probe) {
    return probe.getFailureThreshold() * probe.getPeriodSeconds();
  }

  @Test
  void startupWaitsForTheModelToServeWithinTheDefaultLoadTimeout() {
    Container inference =
        container(DesiredDeployment.of(qwen("hf://Qwen/Qwen2.5-7B")), "inference");
    // /health is 503 while downloading and loading; /health/live would pass at once.
    assertThat(inference.getStartupProbe().getHttpGet().getPath()).isEqualTo("/health");
    assertThat(budgetSeconds(inference.getStartupProbe())).isGreaterThanOrEqualTo(1800);
    // Liveness runs only after startup passed, on the endpoint that fails when the engine stops.
    assertThat(inference.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/health/live");
    assertThat(inference.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/health");
  }

  @Test
  void aLongerLoadTimeoutStretchesTheStartupBudgetAndTheRolloutDeadline() {
    QwenDeployment qd = qwen("hf://Qwen/Qwen2.5-72B");
    qd.getSpec().getEngine().setLoadTimeoutSeconds(7205);
    Deployment d = DesiredDeployment.of(qd);
    Probe startup = container(d, "inference").getStartupProbe();
    assertThat(budgetSeconds(startup)).isBetween(7205, 7205 + startup.getPeriodSeconds());
    assertThat(d.getSpec().getProgressDeadlineSeconds()).isGreaterThan(budgetSeconds(startup));
  }

  @Test
  void aFailedLoadLeavesItsReasonAsTheTerminationMessage() {
    Deployment d = DesiredDeployment.of(qwen("hf://Qwen/Qwen2.5-0.5B-Instruct"));
    assertThat(container(d, "inference").getTerminationMessagePolicy())
        .isEqualTo("FallbackToLogsOnError");
    assertThat(container(d, "gpu-exporter").getTerminationMessagePolicy())
        .isEqualTo("FallbackToLogsOnError");
  }

  @Test
  void stoppingSleepsForEndpointsThenDrainsWithinTheGracePeriod() {
    Deployment d = DesiredDeployment.of(qwen("hf://Qwen/Qwen2.5-0.5B-Instruct"));
    Container inference = container(d, "inference");
    assertThat(d.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds())
        .isEqualTo(60L);
    assertThat(inference.getLifecycle().getPreStop().getSleep().getSeconds()).isEqualTo(5L);
    // 60 s grace = 5 s preStop + 50 s drain + 5 s to close and exit before SIGKILL.
    assertThat(plainEnv(inference)).containsEntry("QWENOPS_DRAIN_SECONDS", "50");
  }

  @Test
  void aConfiguredGracePeriodReachesThePodAndTheServersDrain() {
    QwenDeployment qd = qwen("hf://Qwen/Qwen2.5-0.5B-Instruct");
    qd.getSpec().setTerminationGracePeriodSeconds(300);
    Deployment d = DesiredDeployment.of(qd);
    assertThat(d.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds())
        .isEqualTo(300L);
    assertThat(plainEnv(container(d, "inference"))).containsEntry("QWENOPS_DRAIN_SECONDS", "290");
  }
}
