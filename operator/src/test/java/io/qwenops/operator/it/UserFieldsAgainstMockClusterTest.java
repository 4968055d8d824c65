package io.qwenops.operator.it;

import static io.qwenops.operator.it.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.qwenops.operator.app.OperatorSettings;
import io.qwenops.operator.app.QwenOperator;
import io.qwenops.operator.crd.AutoscalingSpec;
import io.qwenops.operator.crd.ModelCacheType;
import io.qwenops.operator.crd.QwenDeployment;
import io.qwenops.operator.reconciler.InvalidSpecBackoff;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The fields users configure, through the real operator and the mock API server. */
class UserFieldsAgainstMockClusterTest {

  static MockCluster cluster;
  static KubernetesClient client;
  static Operator operator;
  static final AtomicInteger NAMESPACES = new AtomicInteger();

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

  static String freshNamespace() {
    return "fields-" + NAMESPACES.incrementAndGet();
  }

  static QwenDeployment get(String ns, String name) {
    return client.resources(QwenDeployment.class).inNamespace(ns).withName(name).get();
  }

  static Deployment deployment(String ns, String name) {
    return client.apps().deployments().inNamespace(ns).withName(name).get();
  }

  static HorizontalPodAutoscaler autoscaler(String ns, String name) {
    return client
        .autoscaling()
        .v2()
        .horizontalPodAutoscalers()
        .inNamespace(ns)
        .withName(name)
        .get();
  }

  static Condition condition(String ns, String name, String type) {
    QwenDeployment qd = get(ns, name);
    assertThat(qd.getStatus()).as("status").isNotNull();
    return qd.getStatus().getConditions().stream()
        .filter(c -> c.getType().equals(type))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no condition " + type));
  }

  static void patchSpec(String ns, String name, String json) {
    client
        .resources(QwenDeployment.class)
        .inNamespace(ns)
        .withName(name)
        .patch(PatchContext.of(PatchType.JSON_MERGE), json);
  }

  @Test
  void autoscalingMakesAnOwnedAutoscalerOfTheQwenDeploymentAndRemovingItDeletesIt() {
    String ns = freshNamespace();
    QwenDeployment qd = Fixtures.qwen(ns, "scaled", "hf://Qwen/Qwen2.5-0.5B-Instruct", 1);
    AutoscalingSpec autoscaling = new AutoscalingSpec();
    autoscaling.setMinReplicas(1);
    autoscaling.setMaxReplicas(4);
    qd.getSpec().setAutoscaling(autoscaling);
    QwenDeployment created = client.resource(qd).create();

    eventually(() -> assertThat(autoscaler(ns, "scaled")).isNotNull());
    HorizontalPodAutoscaler hpa = autoscaler(ns, "scaled");
    assertThat(hpa.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getUid()).isEqualTo(created.getMetadata().getUid());
              assertThat(r.getController()).isTrue();
            });
    assertThat(hpa.getSpec().getScaleTargetRef().getKind()).isEqualTo("QwenDeployment");
    assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(4);

    // What the HPA's scale update does: spec.replicas moves, the Deployment follows.
    patchSpec(ns, "scaled", "{\"spec\":{\"replicas\":3,\"autoscaling\":{\"maxReplicas\":6}}}");
    eventually(
        () -> {
          assertThat(deployment(ns, "scaled").getSpec().getReplicas()).isEqualTo(3);
          assertThat(autoscaler(ns, "scaled").getSpec().getMaxReplicas()).isEqualTo(6);
        });

    patchSpec(ns, "scaled", "{\"spec\":{\"autoscaling\":null}}");
    eventually(() -> assertThat(autoscaler(ns, "scaled")).isNull());
  }

  @Test
  void userEnvLabelsAndServiceAccountReachThePodTemplate() {
    String ns = freshNamespace();
    QwenDeployment qd = Fixtures.qwen(ns, "proxied", "hf://Qwen/Qwen2.5-0.5B-Instruct", 1);
    qd.getSpec().setEnv(List.of(new EnvVar("HF_ENDPOINT", "https://hf-mirror.corp", null)));
    qd.getSpec().setPodLabels(Map.of("team", "search"));
    qd.getSpec().setPodAnnotations(Map.of("sidecar.istio.io/inject", "false"));
    qd.getSpec().setServiceAccountName("model-reader");
    qd.getSpec().getResources().setGpuResourceName("nvidia.com/mig-1g.10gb");
    client.resource(qd).create();

    eventually(() -> assertThat(deployment(ns, "proxied")).isNotNull());
    var template = deployment(ns, "proxied").getSpec().getTemplate();
    assertThat(template.getMetadata().getLabels()).containsEntry("team", "search");
    assertThat(template.getMetadata().getAnnotations())
        .containsEntry("sidecar.istio.io/inject", "false");
    assertThat(template.getSpec().getServiceAccountName()).isEqualTo("model-reader");
    var inference = template.getSpec().getContainers().getFirst();
    assertThat(inference.getEnv())
        .anySatisfy(e -> assertThat(e.getName()).isEqualTo("HF_ENDPOINT"));
    assertThat(inference.getResources().getLimits())
        .containsEntry("nvidia.com/mig-1g.10gb", new Quantity("1"));
  }

  @Test
  void anEnvEditThatShadowsAnOperatorVariableIsReportedAndChangesNothing() {
    String ns = freshNamespace();
    client.resource(Fixtures.qwen(ns, "shadow", "hf://Qwen/Qwen2.5-0.5B-Instruct", 1)).create();
    eventually(() -> assertThat(deployment(ns, "shadow")).isNotNull());
    String before = deployment(ns, "shadow").getMetadata().getResourceVersion();

    patchSpec(
        ns, "shadow", "{\"spec\":{\"env\":[{\"name\":\"QWENOPS_PORT\",\"value\":\"9000\"}]}}");
    eventually(
        () -> {
          Condition degraded = condition(ns, "shadow", "Degraded");
          assertThat(degraded.getStatus()).isEqualTo("True");
          assertThat(degraded.getReason()).isEqualTo("ReservedEnvVar");
          assertThat(degraded.getMessage()).contains("QWENOPS_PORT");
        });
    assertThat(deployment(ns, "shadow").getMetadata().getResourceVersion()).isEqualTo(before);
  }

  @Test
  void aReadWriteOnceCacheSharedByTwoReplicasRaisesSpecWarningUntilOneReplicaIsLeft() {
    String ns = freshNamespace();
    QwenDeployment qd = Fixtures.qwen(ns, "shared", "hf://Qwen/Qwen2.5-0.5B-Instruct", 2);
    qd.getSpec().getModelCache().setType(ModelCacheType.Managed);
    qd.getSpec().getModelCache().setSize(new Quantity("20Gi"));
    client.resource(qd).create();

    eventually(
        () -> {
          Condition warning = condition(ns, "shared", "SpecWarning");
          assertThat(warning.getStatus()).isEqualTo("True");
          assertThat(warning.getReason()).isEqualTo("SharedReadWriteOnceCache");
          assertThat(warning.getMessage()).contains("shared-model-cache").contains("ReadWriteMany");
        });
    assertThat(deployment(ns, "shared")).as("a warning does not stop the rollout").isNotNull();

    patchSpec(ns, "shared", "{\"spec\":{\"replicas\":1}}");
    eventually(
        () -> {
          Condition warning = condition(ns, "shared", "SpecWarning");
          assertThat(warning.getStatus()).isEqualTo("False");
          assertThat(warning.getReason()).isEqualTo("NoWarnings");
        });
  }
}
