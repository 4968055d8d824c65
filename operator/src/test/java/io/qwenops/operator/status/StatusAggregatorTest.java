package io.qwenops.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.qwenops.operator.crd.ModelSpec;
import io.qwenops.operator.crd.QwenDeployment;
import io.qwenops.operator.crd.QwenDeploymentSpec;
import io.qwenops.operator.crd.QwenDeploymentStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The status/condition aggregator, without any server. */
class StatusAggregatorTest {

  static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");
  static final Instant T1 = Instant.parse("2026-11-30T10:05:00Z");

  static QwenDeployment qwen(int replicas) {
    QwenDeployment qd = new QwenDeployment();
    qd.setMetadata(
        new ObjectMetaBuilder().withName("chat").withNamespace("ml").withGeneration(4L).build());
    QwenDeploymentSpec spec = new QwenDeploymentSpec();
    ModelSpec model = new ModelSpec();
    model.setSource("hf://Qwen/Qwen2.5-0.5B-Instruct");
    spec.setModel(model);
    spec.setReplicas(replicas);
    qd.setSpec(spec);
    return qd;
  }

  static Optional<Deployment> deployment() {
    return Optional.of(
        new DeploymentBuilder()
            .withNewMetadata()
            .withName("chat")
            .withGeneration(1L)
            .endMetadata()
            .build());
  }

  static Pod pod(String name, boolean ready) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .withNodeName("node-" + name)
        .endSpec()
        .withNewStatus()
        .withPhase("Running")
        .addNewCondition()
        .withType("Ready")
        .withStatus(ready ? "True" : "False")
        .endCondition()
        .endStatus()
        .build();
  }

  static Condition find(QwenDeploymentStatus status, String type) {
    return ConditionMerger.find(status.getConditions(), type);
  }

  @Test
  void gpuUuidsComeFromTheExporterUnlessTheAnnotationOverrides() {
    Pod annotated =
        new PodBuilder(pod("qwen-c", true))
            .editMetadata()
            .addToAnnotations("qwenops.io/gpu-uuids", "GPU-override")
            .endMetadata()
            .build();
    QwenDeploymentStatus status =
        new StatusAggregator(qwen(3))
            .deployment(deployment())
            .pods(
                List.of(pod("qwen-a", true), pod("qwen-b", true), annotated),
                Map.of(
                    "qwen-a", List.of("GPU-aaaa", "GPU-bbbb"),
                    "qwen-b", List.of(),
                    "qwen-c", List.of("GPU-from-exporter")))
            .build(null, T0);

    assertThat(status.getPods())
        .extracting(p -> p.getName() + ":" + p.getGpuUuids())
        .containsExactly("qwen-a:[GPU-aaaa, GPU-bbbb]", "qwen-b:null", "qwen-c:[GPU-override]");
    assertThat(find(status, ConditionTypes.READY).getStatus())
        .as("UUIDs, known or not, do not decide readiness")
        .isEqualTo("True");
  }

  @Test
  void allPodsReadyMeansReadyAndRolloutComplete() {
    QwenDeploymentStatus s =
        new StatusAggregator(qwen(2))
            .deployment(deployment())
            .pods(List.of(pod("a", true), pod("b", true)))
            .build(null, T0);
    assertThat(s.getReady()).isEqualTo("2/2");
    assertThat(s.getReadyReplicas()).isEqualTo(2);
    assertThat(s.getObservedGeneration()).isEqualTo(4L);
    assertThat(s.getEndpoint()).isEqualTo("http://chat.ml.svc:8000/v1");
    assertThat(find(s, "Ready").getStatus()).isEqualTo("True");
    assertThat(find(s, "Ready").getReason()).isEqualTo("AllReplicasReady");
    assertThat(find(s, "Progressing").getStatus()).isEqualTo("False");
    assertThat(find(s, "Degraded").getStatus()).isEqualTo("False");
    assertThat(s.getConditions())
        .allSatisfy(c -> assertThat(c.getObservedGeneration()).isEqualTo(4L));
  }

  @Test
  void missingDeploymentAndPendingPodsAreProgressingNotDegraded() {
    QwenDeploymentStatus creating =
        new StatusAggregator(qwen(1)).deployment(Optional.empty()).pods(List.of()).build(null, T0);
    assertThat(find(creating, "Progressing").getStatus()).isEqualTo("True");
    assertThat(find(creating, "Ready").getStatus()).isEqualTo("False");

    Pod pending =
        new PodBuilder()
            .withNewMetadata()
            .withName("p")
            .endMetadata()
            .withNewStatus()
            .withPhase("Pending")
            .endStatus()
            .build();
    QwenDeploymentStatus starting =
        new StatusAggregator(qwen(1))
            .deployment(deployment())
            .pods(List.of(pending))
            .build(null, T0);
    assertThat(find(starting, "Ready").getMessage()).contains("0/1").contains("p (Pending)");
    assertThat(find(starting, "Degraded").getStatus()).isEqualTo("False");
  }

  @Test
  void unschedulablePodExplainsItselfInDegraded() {
    Pod stuck =
        new PodBuilder(pod("a", false))
            .editStatus()
            .withPhase("Pending")
            .addNewCondition()
            .withType("PodScheduled")
            .withStatus("False")
            .withReason("Unschedulable")
            .withMessage("0/3 nodes are available: 3 Insufficient nvidia.com/gpu.")
            .endCondition()
            .endStatus()
            .build();
    QwenDeploymentStatus s =
        new StatusAggregator(qwen(1)).deployment(deployment()).pods(List.of(stuck)).build(null, T0);
    assertThat(find(s, "Degraded").getStatus()).isEqualTo("True");
    assertThat(find(s, "Degraded").getReason()).isEqualTo("Unschedulable");
    assertThat(find(s, "Degraded").getMessage()).contains("Insufficient nvidia.com/gpu");
    assertThat(find(s, "Ready").getMessage()).contains("Insufficient nvidia.com/gpu");
  }

  @Test
  void stalledRolloutIsDegraded() {
    Deployment stalled =
        new DeploymentBuilder(deployment().orElseThrow())
            .withNewStatus()
            .addNewCondition()
            .withType("Progressing")
            .withStatus("False")
            .withReason("ProgressDeadlineExceeded")
            .withMessage("ReplicaSet chat-abc has timed out progressing.")
            .endCondition()
            .endStatus()
            .build();
    QwenDeploymentStatus s =
        new StatusAggregator(qwen(1))
            .deployment(Optional.of(stalled))
            .pods(List.of(pod("a", false)))
            .build(null, T0);
    assertThat(find(s, "Degraded").getReason()).isEqualTo("ProgressDeadlineExceeded");
  }

  @Test
  void specProblemMakesReadyFalseAndDegradedTrueWithTheSameReason() {
    QwenDeploymentStatus s =
        new StatusAggregator(qwen(1))
            .specProblem(new SpecProblem("SecretNotFound", "Secret 'hf' does not exist"))
            .deployment(Optional.empty())
            .pods(List.of())
            .build(null, T0);
    assertThat(find(s, "Ready").getStatus()).isEqualTo("False");
    assertThat(find(s, "Ready").getReason()).isEqualTo("SecretNotFound");
    assertThat(find(s, "Degraded").getStatus()).isEqualTo("True");
    assertThat(find(s, "Degraded").getMessage()).isEqualTo("Secret 'hf' does not exist");
  }

  @Test
  void lastTransitionTimeMovesOnlyWhenTheStatusChanges() {
    QwenDeploymentStatus first =
        new StatusAggregator(qwen(2))
            .deployment(deployment())
            .pods(List.of(pod("a", true), pod("b", false)))
            .build(null, T0);
    // Same status, different message: the time stays.
    QwenDeploymentStatus second =
        new StatusAggregator(qwen(2))
            .deployment(deployment())
            .pods(List.of(pod("a", false), pod("b", false)))
            .build(first, T1);
    assertThat(find(second, "Ready").getLastTransitionTime()).isEqualTo(T0.toString());
    assertThat(find(second, "Ready").getMessage()).contains("0/2");
    // Status flips: the time moves.
    QwenDeploymentStatus third =
        new StatusAggregator(qwen(2))
            .deployment(deployment())
            .pods(List.of(pod("a", true), pod("b", true)))
            .build(second, T1);
    assertThat(find(third, "Ready").getLastTransitionTime()).isEqualTo(T1.toString());
    assertThat(find(third, "Degraded").getLastTransitionTime()).isEqualTo(T0.toString());
  }

  @Test
  void terminatingPodsAreNotCountedAndScaleToZeroIsReady() {
    Pod leaving =
        new PodBuilder(pod("old", true))
            .editMetadata()
            .withDeletionTimestamp("2026-11-30T09:59:00Z")
            .endMetadata()
            .build();
    QwenDeploymentStatus s =
        new StatusAggregator(qwen(0))
            .deployment(deployment())
            .pods(List.of(leaving))
            .build(null, T0);
    assertThat(s.getReplicas()).isZero();
    assertThat(s.getPods()).isEmpty();
    assertThat(find(s, "Ready").getStatus()).isEqualTo("True");
    assertThat(find(s, "Ready").getReason()).isEqualTo("ScaledToZero");
  }

  @Test
  void podsAreListedByNameWithNodeAndGpuUuids() {
    Pod withGpus =
        new PodBuilder(pod("b", true))
            .editMetadata()
            .addToAnnotations("qwenops.io/gpu-uuids", "GPU-1, GPU-2")
            .endMetadata()
            .build();
    QwenDeploymentStatus s =
        new StatusAggregator(qwen(2))
            .deployment(deployment())
            .pods(List.of(withGpus, pod("a", true)))
            .build(null, T0);
    assertThat(s.getPods()).extracting(p -> p.getName()).containsExactly("a", "b");
    assertThat(s.getPods().get(1).getGpuUuids()).containsExactly("GPU-1", "GPU-2");
    assertThat(s.getPods().get(1).getNode()).isEqualTo("node-b");
  }

  @Test
  void anApiErrorOnlyMarksDegradedAndKeepsWhatThePodsSay() {
    QwenDeploymentStatus serving =
        new StatusAggregator(qwen(1))
            .deployment(deployment())
            .pods(List.of(pod("a", true)))
            .build(null, T0);
    QwenDeploymentStatus failed =
        StatusAggregator.degradedOnly(
            qwen(1), serving, "ReconcileError", "reconcile failed, retrying: 500", T1);
    assertThat(find(failed, "Ready").getStatus()).isEqualTo("True");
    assertThat(find(failed, "Ready").getLastTransitionTime()).isEqualTo(T0.toString());
    assertThat(find(failed, "Degraded").getStatus()).isEqualTo("True");
    assertThat(find(failed, "Degraded").getReason()).isEqualTo("ReconcileError");
    assertThat(find(failed, "Degraded").getLastTransitionTime()).isEqualTo(T1.toString());
    assertThat(failed.getReady()).isEqualTo("1/1");
    assertThat(failed.getPods()).hasSize(1);
    assertThat(find(serving, "Degraded").getStatus())
        .as("the previous status is not modified")
        .isEqualTo("False");
  }

  @Test
  void aDownloadingPodShowsTheSlowestDownloadAsConditionAndColumn() {
    QwenDeploymentStatus downloading =
        new StatusAggregator(qwen(2))
            .deployment(deployment())
            .pods(List.of(pod("qwen-a", false), pod("qwen-b", false)))
            .downloads(
                Map.of(
                    "qwen-a", new ModelDownload(415_000_000L, 988_000_000L),
                    "qwen-b", new ModelDownload(900_000_000L, 988_000_000L)))
            .build(null, T0);
    Condition condition = find(downloading, "Downloading");
    assertThat(condition.getStatus()).isEqualTo("True");
    assertThat(condition.getReason()).isEqualTo("DownloadingModel");
    assertThat(condition.getMessage())
        .isEqualTo("Downloading model: 42% of 988 MB (2 pods, the slowest)");
    assertThat(downloading.getDownload()).isEqualTo("42% of 988 MB");
    assertThat(find(downloading, "Ready").getStatus()).isEqualTo("False");

    QwenDeploymentStatus done =
        new StatusAggregator(qwen(2))
            .deployment(deployment())
            .pods(List.of(pod("qwen-a", true), pod("qwen-b", true)))
            .build(downloading, T1);
    assertThat(find(done, "Downloading").getStatus()).isEqualTo("False");
    assertThat(find(done, "Downloading").getLastTransitionTime()).isEqualTo(T1.toString());
    assertThat(done.getDownload()).as("the column empties").isNull();
  }

  @Test
  void specWarningIsTrueWithTheWarningsReasonAndFalseWithout() {
    QwenDeploymentStatus warned =
        new StatusAggregator(qwen(2))
            .warnings(List.of(new SpecProblem("SharedReadWriteOnceCache", "claim is RWO")))
            .deployment(deployment())
            .build(null, T0);
    Condition warning = find(warned, "SpecWarning");
    assertThat(warning.getStatus()).isEqualTo("True");
    assertThat(warning.getReason()).isEqualTo("SharedReadWriteOnceCache");
    assertThat(warning.getMessage()).isEqualTo("claim is RWO");
    assertThat(find(warned, "Degraded").getStatus())
        .as("a warning is not a failure")
        .isEqualTo("False");

    QwenDeploymentStatus clear =
        new StatusAggregator(qwen(1)).deployment(deployment()).build(warned, T1);
    assertThat(find(clear, "SpecWarning").getStatus()).isEqualTo("False");
    assertThat(find(clear, "SpecWarning").getReason()).isEqualTo("NoWarnings");
    assertThat(find(clear, "SpecWarning").getLastTransitionTime()).isEqualTo(T1.toString());
  }
}
