package io.qwenops.operator.it;

import static io.qwenops.operator.it.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.qwenops.operator.app.OperatorSettings;
import io.qwenops.operator.app.QwenOperator;
import io.qwenops.operator.crd.PodSummary;
import io.qwenops.operator.crd.QwenDeployment;
import io.qwenops.operator.exporter.ExporterGpuLookup;
import io.qwenops.operator.exporter.ExporterInfoServer;
import io.qwenops.operator.exporter.HostileExporter;
import io.qwenops.operator.reconciler.InvalidSpecBackoff;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * status.pods[].gpuUuids learnt from each pod's gpu-exporter sidecar: the real operator against the
 * CRUD mock API server, with pods at 127.0.0.1 whose exporter is a real local HTTP server.
 */
class GpuUuidsFromExporterTest {

  static final List<String> UUIDS =
      List.of(
          "GPU-5d3c1a2b-0000-1111-2222-333344445555", "GPU-9f8e7d6c-6666-7777-8888-999900001111");

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
            new InvalidSpecBackoff(Duration.ofMillis(200), Duration.ofSeconds(1)),
            new ExporterGpuLookup(Duration.ofSeconds(1), Duration.ofMillis(300)));
    operator.start();
  }

  @AfterAll
  static void stopOperator() {
    operator.stop();
    cluster.close();
  }

  @Test
  void reachableExporterFillsGpuUuidsUnreachableOneLeavesThemOut() {
    String ns = "gpus";
    client.resource(Fixtures.qwen(ns, "qwen", "hf://Qwen/Qwen2.5-0.5B-Instruct", 2)).create();
    eventually(() -> assertThat(deployment(ns)).isNotNull());
    Deployment d = deployment(ns);

    try (ExporterInfoServer exporter = new ExporterInfoServer(List.of())) {
      // The inference container has not written its UUID file yet: the exporter knows none.
      client.resource(podAt(ns, d, "qwen-a", exporter.port())).create();
      client.resource(podAt(ns, d, "qwen-b", ExporterInfoServer.closedPort())).create();
      eventually(
          () -> {
            QwenDeployment now = get(ns);
            assertThat(now.getStatus().getReady()).isEqualTo("2/2");
            assertThat(condition(now, "Ready")).isEqualTo("True");
            assertThat(now.getStatus().getPods())
                .extracting(PodSummary::getGpuUuids)
                .containsOnlyNulls();
            assertThat(exporter.requests()).isPositive();
          });

      // It writes them; no pod event follows, the operator asks again on its own.
      exporter.ownUuids(UUIDS);
      eventually(
          () -> {
            QwenDeployment now = get(ns);
            assertThat(now.getStatus().getPods())
                .extracting(p -> p.getName() + ":" + p.getGpuUuids())
                .containsExactly("qwen-a:" + UUIDS, "qwen-b:null");
            assertThat(now.getStatus().getReady()).isEqualTo("2/2");
            assertThat(condition(now, "Ready")).isEqualTo("True");
            assertThat(condition(now, "Degraded"))
                .as("an unreachable exporter is no problem")
                .isEqualTo("False");
          });
    }
  }

  @Test
  void exporterThatAnswersWithoutEndCannotHurtTheOperator() {
    String ns = "hostile";
    client.resource(Fixtures.qwen(ns, "qwen", "hf://Qwen/Qwen2.5-0.5B-Instruct", 2)).create();
    eventually(() -> assertThat(deployment(ns)).isNotNull());
    Deployment d = deployment(ns);

    try (ExporterInfoServer good = new ExporterInfoServer(UUIDS);
        HostileExporter endless = new HostileExporter(HostileExporter.Behaviour.ENDLESS_BODY)) {
      client.resource(podAt(ns, d, "qwen-a", good.port())).create();
      client.resource(podAt(ns, d, "qwen-b", endless.port())).create();
      eventually(
          () -> {
            QwenDeployment now = get(ns);
            assertThat(now.getStatus().getPods())
                .extracting(p -> p.getName() + ":" + p.getGpuUuids())
                .containsExactly("qwen-a:" + UUIDS, "qwen-b:null");
            assertThat(condition(now, "Degraded")).isEqualTo("False");
            assertThat(endless.closedByClient()).as("cut off, not read forever").isPositive();
          });
      // Still reconciling: a spec change goes through while the hostile pod is asked again.
      client
          .resources(QwenDeployment.class)
          .inNamespace(ns)
          .withName("qwen")
          .edit(
              qd -> {
                qd.getSpec().setReplicas(3);
                return qd;
              });
      eventually(() -> assertThat(deployment(ns).getSpec().getReplicas()).isEqualTo(3));
      eventually(() -> assertThat(endless.closedByClient()).isGreaterThan(1));
    }
  }

  @Test
  void exporterTokenFromTheSecretIsSentToTheSidecars() {
    String ns = "token";
    client.resource(Fixtures.secret(ns, "exporter-auth", "token", "s3cret\n")).create();
    QwenDeployment qd = Fixtures.qwen(ns, "qwen", "hf://Qwen/Qwen2.5-0.5B-Instruct", 1);
    qd.getSpec().getExporter().setTokenSecretRef(Fixtures.ref("exporter-auth", null));
    client.resource(qd).create();
    eventually(() -> assertThat(deployment(ns)).isNotNull());

    try (ExporterInfoServer exporter = new ExporterInfoServer(UUIDS)) {
      exporter.requireToken("s3cret");
      client.resource(podAt(ns, deployment(ns), "qwen-a", exporter.port())).create();
      eventually(
          () ->
              assertThat(get(ns).getStatus().getPods())
                  .extracting(p -> p.getName() + ":" + p.getGpuUuids())
                  .containsExactly("qwen-a:" + UUIDS));
      assertThat(exporter.authorizations()).containsOnly("Bearer s3cret");
    }
  }

  static Pod podAt(String ns, Deployment d, String name, int exporterPort) {
    Pod pod = OperatorAgainstMockClusterTest.pod(ns, d, name, "node-1", null, true);
    pod.getStatus().setPodIP("127.0.0.1");
    pod.getSpec().getContainers().stream()
        .filter(c -> c.getName().equals("gpu-exporter"))
        .flatMap(c -> c.getPorts().stream())
        .filter(p -> p.getName().equals("telemetry"))
        .forEach(p -> p.setContainerPort(exporterPort));
    return pod;
  }

  static Deployment deployment(String ns) {
    return client.apps().deployments().inNamespace(ns).withName("qwen").get();
  }

  static QwenDeployment get(String ns) {
    return client.resources(QwenDeployment.class).inNamespace(ns).withName("qwen").get();
  }

  static String condition(QwenDeployment qd, String type) {
    return qd.getStatus().getConditions().stream()
        .filter(c -> c.getType().equals(type))
        .findFirst()
        .orElseThrow()
        .getStatus();
  }
}
