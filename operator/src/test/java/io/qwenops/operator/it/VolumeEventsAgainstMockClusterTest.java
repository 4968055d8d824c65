package io.qwenops.operator.it;

import static io.qwenops.operator.it.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.qwenops.operator.app.OperatorSettings;
import io.qwenops.operator.app.QwenOperator;
import io.qwenops.operator.crd.QwenDeployment;
import io.qwenops.operator.reconciler.InvalidSpecBackoff;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A pod stuck on a volume that cannot attach or mount: the QwenDeployment's conditions carry the
 * pod's Event (real operator, CRUD mock API server, Events as the attach-detach controller and the
 * kubelet write them).
 */
class VolumeEventsAgainstMockClusterTest {

  static MockCluster cluster;
  static KubernetesClient client;
  static Operator operator;

  @BeforeAll
  static void startOperator() {
    cluster = new MockCluster();
    client = cluster.client;
    operator =
        QwenOperator.create(
            client,
            OperatorSettings.standalone(2),
            new SimpleMeterRegistry(),
            new InvalidSpecBackoff(Duration.ofMillis(200), Duration.ofSeconds(1)));
    operator.start();
  }

  @AfterAll
  static void stopOperator() {
    operator.stop();
    cluster.close();
  }

  /** A scheduled pod whose sandbox is not ready: the kubelet is still attaching its volumes. */
  static Pod waitingOnVolumes(KubernetesClient client, String ns, String qwen, String name) {
    eventually(
        () ->
            assertThat(client.apps().deployments().inNamespace(ns).withName(qwen).get())
                .isNotNull());
    Deployment d = client.apps().deployments().inNamespace(ns).withName(qwen).get();
    Pod pod = OperatorAgainstMockClusterTest.pod(ns, d, name, "node-2", null, false);
    pod.setStatus(
        new PodStatusBuilder()
            .withPhase("Pending")
            .addNewCondition()
            .withType("PodScheduled")
            .withStatus("True")
            .endCondition()
            .addNewCondition()
            .withType("PodReadyToStartContainers")
            .withStatus("False")
            .endCondition()
            .addNewCondition()
            .withType("Ready")
            .withStatus("False")
            .endCondition()
            .build());
    return client.resource(pod).create();
  }

  /** A Warning about the pod with that uid, as the controllers write them. */
  static Event warning(
      String ns, String pod, String uid, String reason, String message, String at) {
    return new EventBuilder()
        .withNewMetadata()
        .withName(pod + "." + UUID.randomUUID())
        .withNamespace(ns)
        .endMetadata()
        .withNewInvolvedObject()
        .withKind("Pod")
        .withApiVersion("v1")
        .withNamespace(ns)
        .withName(pod)
        .withUid(uid)
        .endInvolvedObject()
        .withType("Warning")
        .withReason(reason)
        .withMessage(message)
        .withFirstTimestamp(at)
        .withLastTimestamp(at)
        .withCount(1)
        .build();
  }

  static Condition condition(String ns, String name, String type) {
    QwenDeployment qd = client.resources(QwenDeployment.class).inNamespace(ns).withName(name).get();
    assertThat(qd.getStatus()).as("status").isNotNull();
    return qd.getStatus().getConditions().stream()
        .filter(c -> c.getType().equals(type))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no condition " + type));
  }

  @Test
  void aVolumeThatCannotAttachOrMountIsTheConditionReasonWithTheEventsMessage() {
    String ns = "volumes";
    client.resource(Fixtures.qwen(ns, "attach", "hf://Qwen/Qwen2.5-0.5B-Instruct", 1)).create();
    client.resource(Fixtures.qwen(ns, "mount", "hf://Qwen/Qwen2.5-0.5B-Instruct", 1)).create();
    Pod attaching = waitingOnVolumes(client, ns, "attach", "attach-a");
    Pod mounting = waitingOnVolumes(client, ns, "mount", "mount-a");
    String attachUid = attaching.getMetadata().getUid();
    assertThat(attachUid).as("the API server gives pods a uid").isNotBlank();

    // Events come after the pod (FailedMount only minutes later): nothing about pods triggers a
    // reconcile, so the operator must look again by itself.
    client
        .resource(
            warning(
                ns,
                "attach-a",
                attachUid,
                "FailedMount",
                "Unable to attach or mount volumes: unmounted volumes=[model-cache], timed out",
                "2026-12-03T10:05:00Z"))
        .create();
    client
        .resource(
            warning(
                ns,
                "attach-a",
                attachUid,
                "FailedAttachVolume",
                "Multi-Attach error for volume \"pvc-1\" Volume is already used by pod(s) attach-z",
                "2026-12-03T10:01:00Z"))
        .create();
    client
        .resource(
            warning(
                ns,
                "attach-a",
                "uid-of-an-earlier-pod-with-that-name",
                "FailedAttachVolume",
                "AttachVolume.Attach failed for volume \"pvc-old\" : not this pod's",
                "2026-12-03T10:09:00Z"))
        .create();
    client
        .resource(
            warning(
                ns,
                "mount-a",
                mounting.getMetadata().getUid(),
                "FailedMount",
                "MountVolume.SetUp failed for volume \"hf-token\" :\n  secret \"hf\" not found",
                "2026-12-03T10:02:00Z"))
        .create();

    eventually(
        Duration.ofSeconds(40),
        () -> {
          Condition degraded = condition(ns, "attach", "Degraded");
          assertThat(degraded.getStatus()).isEqualTo("True");
          assertThat(degraded.getReason()).isEqualTo("VolumeAttachFailed");
          assertThat(degraded.getMessage())
              .as("the attach failure, not the mount timeout it causes, nor another pod's Event")
              .startsWith(
                  "pod attach-a cannot attach a volume: Multi-Attach error for volume \"pvc-1\"")
              .contains("ReadWriteMany")
              .doesNotContain("pvc-old");
          Condition ready = condition(ns, "attach", "Ready");
          assertThat(ready.getStatus()).isEqualTo("False");
          assertThat(ready.getMessage()).contains("Multi-Attach error for volume \"pvc-1\"");

          Condition mount = condition(ns, "mount", "Degraded");
          assertThat(mount.getReason()).isEqualTo("VolumeMountFailed");
          assertThat(mount.getMessage())
              .isEqualTo(
                  "pod mount-a cannot mount a volume: MountVolume.SetUp failed for volume"
                      + " \"hf-token\" : secret \"hf\" not found");
        });
  }
}
