package io.qwenops.operator.status;

import static io.qwenops.operator.status.StatusAggregatorTest.T0;
import static io.qwenops.operator.status.StatusAggregatorTest.T1;
import static io.qwenops.operator.status.StatusAggregatorTest.deployment;
import static io.qwenops.operator.status.StatusAggregatorTest.find;
import static io.qwenops.operator.status.StatusAggregatorTest.pod;
import static io.qwenops.operator.status.StatusAggregatorTest.qwen;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.qwenops.operator.crd.QwenDeploymentStatus;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A pod that is not ready says why, in words a user can act on. */
class WhyNotReadyTest {

  /** A restarted inference container: how it last ended, and what it does now. */
  static Pod restarted(String reason, int exitCode, String message, boolean crashLooping) {
    var status =
        new ContainerStatusBuilder()
            .withName("inference")
            .withReady(false)
            .withRestartCount(3)
            .withNewLastState()
            .withNewTerminated()
            .withReason(reason)
            .withExitCode(exitCode)
            .withMessage(message)
            .endTerminated()
            .endLastState()
            .withNewState();
    var state =
        crashLooping
            ? status
                .withNewWaiting()
                .withReason("CrashLoopBackOff")
                .withMessage("back-off 1m20s restarting failed container=inference")
                .endWaiting()
            : status.withNewRunning().endRunning();
    return new PodBuilder(pod("a", false))
        .editSpec()
        .addNewContainer()
        .withName("inference")
        .withNewResources()
        .addToLimits("memory", new Quantity("16Gi"))
        .endResources()
        .endContainer()
        .endSpec()
        .editStatus()
        .withContainerStatuses(state.endState().build())
        .endStatus()
        .build();
  }

  static QwenDeploymentStatus statusOf(Pod pod) {
    return new StatusAggregator(qwen(1))
        .deployment(deployment())
        .pods(List.of(pod))
        .build(null, T0);
  }

  @Test
  void oomKilledNamesTheLimitAndWhatToChange() {
    QwenDeploymentStatus s = statusOf(restarted("OOMKilled", 137, null, false));
    assertThat(find(s, "Degraded").getStatus()).isEqualTo("True");
    assertThat(find(s, "Degraded").getReason()).isEqualTo("OOMKilled");
    assertThat(find(s, "Degraded").getMessage())
        .contains("container inference was OOMKilled: it went over its memory limit of 16Gi")
        .contains("resources.memory");
    assertThat(find(s, "Ready").getMessage()).contains("OOMKilled", "16Gi").doesNotContain("null");
  }

  @Test
  void oomKilledWinsOverTheCrashLoopItCauses() {
    QwenDeploymentStatus s = statusOf(restarted("OOMKilled", 137, null, true));
    assertThat(find(s, "Degraded").getReason()).isEqualTo("OOMKilled");
  }

  @Test
  void aFailedModelLoadShowsTheServersReason() {
    String written =
        "Loading the model failed: Qwen/Qwen2.5-7B: 401 Unauthorized (set model.hfTokenSecretRef)";
    QwenDeploymentStatus s = statusOf(restarted("Error", 1, written, true));
    assertThat(find(s, "Degraded").getReason()).isEqualTo("ModelLoadFailed");
    assertThat(find(s, "Degraded").getMessage())
        .isEqualTo("pod a: container inference: " + written);
  }

  @Test
  void aCrashLoopCarriesTheTailOfTheLastLogAndExitCode() {
    String log =
        "x".repeat(1000) + "\nException in thread main: java.lang.IllegalStateException: boom";
    QwenDeploymentStatus s = statusOf(restarted("Error", 1, log, true));
    assertThat(find(s, "Degraded").getReason()).isEqualTo("CrashLoopBackOff");
    assertThat(find(s, "Degraded").getMessage())
        .contains("CrashLoopBackOff (back-off 1m20s")
        .contains("last exit 1 (Error): …")
        .endsWith("IllegalStateException: boom");
    assertThat(find(s, "Degraded").getMessage().length()).isLessThan(700);
  }

  @Test
  void theReasonStaysButLastTransitionTimeDoesNotMoveWhileTheCrashLoops() {
    QwenDeploymentStatus first = statusOf(restarted("OOMKilled", 137, null, true));
    QwenDeploymentStatus again =
        new StatusAggregator(qwen(1))
            .deployment(deployment())
            .pods(List.of(restarted("OOMKilled", 137, null, false)))
            .build(first, T1);
    assertThat(find(again, "Degraded").getReason()).isEqualTo("OOMKilled");
    assertThat(find(again, "Degraded").getLastTransitionTime())
        .isEqualTo(find(first, "Degraded").getLastTransitionTime());
  }

  @Test
  void aPodWhoseVolumesCannotMountSaysWhereToLook() {
    Pod mounting =
        new PodBuilder(pod("a", false))
            .editStatus()
            .withPhase("Pending")
            .addNewCondition()
            .withType("PodScheduled")
            .withStatus("True")
            .endCondition()
            .addNewCondition()
            .withType("PodReadyToStartContainers")
            .withStatus("False")
            .endCondition()
            .endStatus()
            .build();
    QwenDeploymentStatus s = statusOf(mounting);
    assertThat(find(s, "Ready").getMessage())
        .contains("waiting for a (Pending: volumes not mounted yet")
        .contains("FailedMount or Multi-Attach");
  }

  @Test
  void aVolumeItsEventsSayCannotAttachIsTheReasonOnDegradedAndInReady() {
    Pod stuck =
        new PodBuilder(pod("a", false))
            .editStatus()
            .withPhase("Pending")
            .addNewCondition()
            .withType("PodScheduled")
            .withStatus("True")
            .endCondition()
            .addNewCondition()
            .withType("PodReadyToStartContainers")
            .withStatus("False")
            .endCondition()
            .endStatus()
            .build();
    assertThat(VolumeTrouble.awaited(stuck)).as("only such pods have their Events read").isTrue();
    QwenDeploymentStatus s =
        new StatusAggregator(qwen(1))
            .deployment(deployment())
            .pods(
                List.of(stuck),
                Map.of(),
                Map.of(
                    "a",
                    new VolumeTrouble(
                        "VolumeAttachFailed", "Multi-Attach error for volume \"pvc-1\"")))
            .build(null, T0);
    assertThat(find(s, "Degraded").getReason()).isEqualTo("VolumeAttachFailed");
    assertThat(find(s, "Degraded").getMessage())
        .startsWith("pod a cannot attach a volume: Multi-Attach error for volume \"pvc-1\"")
        .contains("ReadWriteMany");
    assertThat(find(s, "Ready").getMessage())
        .contains("pod a cannot attach a volume")
        .doesNotContain("volumes not mounted yet");
  }

  @Test
  void aRunningPodIsNotWaitingOnVolumes() {
    assertThat(VolumeTrouble.awaited(restarted("Error", 1, null, true))).isFalse();
  }
}
