package io.qwenops.operator.it;

import static io.qwenops.operator.it.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.qwenops.operator.app.HttpEndpoints;
import io.qwenops.operator.app.OperatorSettings;
import io.qwenops.operator.app.QwenOperator;
import io.qwenops.operator.crd.ModelCacheType;
import io.qwenops.operator.crd.QwenDeployment;
import io.qwenops.operator.reconciler.InvalidSpecBackoff;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The real operator, started as Main starts it, against fabric8's CRUD mock API server. */
class OperatorAgainstMockClusterTest {

  static MockCluster cluster;
  static KubernetesClient client;
  static Operator operator;
  static PrometheusMeterRegistry registry;
  static final AtomicInteger NAMESPACES = new AtomicInteger();

  @BeforeAll
  static void startOperator() {
    cluster = new MockCluster();
    client = cluster.client;
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    OperatorSettings settings = OperatorSettings.standalone(4);
    operator =
        QwenOperator.create(
            client,
            settings,
            registry,
            new InvalidSpecBackoff(Duration.ofMillis(200), Duration.ofSeconds(1)));
    operator.start();
  }

  @AfterAll
  static void stopOperator() {
    operator.stop();
    cluster.close();
  }

  static String freshNamespace() {
    return "team-" + NAMESPACES.incrementAndGet();
  }

  static QwenDeployment apply(QwenDeployment qd) {
    return client.resource(qd).create();
  }

  static QwenDeployment get(String ns, String name) {
    return client.resources(QwenDeployment.class).inNamespace(ns).withName(name).get();
  }

  static Deployment deployment(String ns, String name) {
    return client.apps().deployments().inNamespace(ns).withName(name).get();
  }

  static Condition condition(QwenDeployment qd, String type) {
    assertThat(qd.getStatus()).as("status").isNotNull();
    return qd.getStatus().getConditions().stream()
        .filter(c -> c.getType().equals(type))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no condition " + type));
  }

  static Container container(Deployment d, String name) {
    return d.getSpec().getTemplate().getSpec().getContainers().stream()
        .filter(c -> c.getName().equals(name))
        .findFirst()
        .orElseThrow();
  }

  static Map<String, EnvVar> env(Container c) {
    return c.getEnv().stream().collect(java.util.stream.Collectors.toMap(EnvVar::getName, e -> e));
  }

  static void assertOwnedBy(HasMetadata owned, QwenDeployment owner) {
    assertThat(owned.getMetadata().getOwnerReferences())
        .as("owner references let the garbage collector delete it with the QwenDeployment")
        .extracting(
            OwnerReference::getUid,
            OwnerReference::getKind,
            OwnerReference::getController,
            OwnerReference::getBlockOwnerDeletion)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                owner.getMetadata().getUid(), "QwenDeployment", true, true));
    assertThat(owned.getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/instance", owner.getMetadata().getName())
        .containsEntry("app.kubernetes.io/managed-by", "qwenops-operator")
        .containsEntry("app.kubernetes.io/part-of", "qwenops");
  }

  @Test
  void createMakesTheDeploymentServiceAndDisruptionBudget() {
    String ns = freshNamespace();
    client.resource(Fixtures.secret(ns, "hf", "token", "hf_secret_value")).create();
    client.resource(Fixtures.secret(ns, "openai-key", "api-key", "sk-local")).create();
    QwenDeployment qd = Fixtures.qwen(ns, "qwen", "hf://Qwen/Qwen2.5-0.5B-Instruct", 2);
    qd.getSpec().getModel().setHfTokenSecretRef(Fixtures.ref("hf", null));
    qd.getSpec().setApiKeySecretRef(Fixtures.ref("openai-key", null));
    qd.getSpec().getResources().setGpus(1);
    qd.getSpec().getResources().setMemory(new Quantity("16Gi"));
    qd.getSpec().getEngine().setMaxModelLen(8192);
    QwenDeployment created = apply(qd);

    eventually(() -> assertThat(deployment(ns, "qwen")).isNotNull());
    Deployment d = deployment(ns, "qwen");
    assertOwnedBy(d, created);
    assertThat(d.getSpec().getReplicas()).isEqualTo(2);
    var pod = d.getSpec().getTemplate().getSpec();
    assertThat(pod.getRuntimeClassName()).isNull();
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");

    Container inference = container(d, "inference");
    assertThat(inference.getPorts())
        .extracting(p -> p.getName() + ":" + p.getContainerPort())
        .containsExactly("openai:8000");
    assertThat(inference.getResources().getLimits())
        .containsEntry("nvidia.com/gpu", new Quantity("1"));
    assertThat(inference.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/health");
    assertThat(inference.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/health/live");
    assertThat(
            inference.getStartupProbe().getFailureThreshold()
                * inference.getStartupProbe().getPeriodSeconds())
        .as("startup budget in seconds allows a model download")
        .isGreaterThanOrEqualTo(1200);
    assertThat(inference.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(inference.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(inference.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    Map<String, EnvVar> env = env(inference);
    assertThat(env.get("QWENOPS_MODEL").getValue())
        .isEqualTo("hf://Qwen/Qwen2.5-0.5B-Instruct@main");
    assertThat(env.get("QWENOPS_SERVED_MODEL_NAME").getValue())
        .isEqualTo("Qwen/Qwen2.5-0.5B-Instruct");
    assertThat(env.get("QWENOPS_MAX_MODEL_LEN").getValue()).isEqualTo("8192");
    assertThat(env.get("HF_TOKEN").getValue()).as("never in plain text").isNull();
    assertThat(env.get("HF_TOKEN").getValueFrom().getSecretKeyRef().getName()).isEqualTo("hf");
    assertThat(env.get("HF_TOKEN").getValueFrom().getSecretKeyRef().getKey()).isEqualTo("token");
    assertThat(env.get("QWENOPS_API_KEY").getValueFrom().getSecretKeyRef().getKey())
        .isEqualTo("api-key");
    assertThat(d.toString()).doesNotContain("hf_secret_value").doesNotContain("sk-local");

    Container exporter = container(d, "gpu-exporter");
    Map<String, EnvVar> exporterEnv = env(exporter);
    assertThat(exporterEnv.get("POD_NAME").getValueFrom().getFieldRef().getFieldPath())
        .isEqualTo("metadata.name");
    assertThat(exporterEnv.get("NODE_NAME").getValueFrom().getFieldRef().getFieldPath())
        .isEqualTo("spec.nodeName");
    assertThat(exporterEnv.get("NVIDIA_VISIBLE_DEVICES").getValue()).isEqualTo("all");
    assertThat(exporterEnv.get("NVIDIA_DRIVER_CAPABILITIES").getValue()).isEqualTo("utility");
    assertThat(exporterEnv.get("QWENOPS_GPU_UUIDS_FILE").getValue())
        .isEqualTo("/var/run/qwenops/gpu-uuids");
    assertThat(exporterEnv.get("QWENOPS_INTERVAL_MS").getValue()).isEqualTo("500");
    assertThat(exporter.getPorts())
        .extracting(p -> p.getName() + ":" + p.getContainerPort())
        .containsExactly("telemetry:9400");

    eventually(
        () -> assertThat(client.services().inNamespace(ns).withName("qwen").get()).isNotNull());
    Service service = client.services().inNamespace(ns).withName("qwen").get();
    assertOwnedBy(service, created);
    assertThat(service.getSpec().getPorts())
        .extracting(p -> p.getName() + ":" + p.getPort())
        .as("telemetry stays off the user-facing Service unless exporter.publishOnService")
        .containsExactly("openai:8000");
    assertThat(service.getSpec().getSelector())
        .isEqualTo(d.getSpec().getSelector().getMatchLabels());

    eventually(
        () ->
            assertThat(
                    client
                        .policy()
                        .v1()
                        .podDisruptionBudget()
                        .inNamespace(ns)
                        .withName("qwen")
                        .get())
                .isNotNull());
    assertOwnedBy(
        client.policy().v1().podDisruptionBudget().inNamespace(ns).withName("qwen").get(), created);

    eventually(
        () -> {
          QwenDeployment now = get(ns, "qwen");
          assertThat(now.getStatus().getEndpoint()).isEqualTo("http://qwen." + ns + ".svc:8000/v1");
          assertThat(now.getStatus().getReady()).isEqualTo("0/2");
          assertThat(condition(now, "Ready").getStatus()).isEqualTo("False");
          assertThat(condition(now, "Progressing").getStatus()).isEqualTo("True");
          assertThat(condition(now, "Degraded").getStatus()).isEqualTo("False");
        });
  }

  @Test
  void specChangeRollsOutANewPodTemplate() {
    String ns = freshNamespace();
    apply(Fixtures.qwen(ns, "qwen", "hf://Qwen/Qwen2.5-0.5B-Instruct", 1));
    eventually(() -> assertThat(deployment(ns, "qwen")).isNotNull());
    assertThat(
            env(container(deployment(ns, "qwen"), "inference"))
                .get("QWENOPS_MAX_NUM_SEQS")
                .getValue())
        .isEqualTo("64");

    patchSpec(
        ns,
        "qwen",
        "{\"spec\":{\"engine\":{\"maxNumSeqs\":128},"
            + "\"model\":{\"source\":\"hf://Qwen/Qwen2.5-7B-Instruct@a09a354\"}}}");

    eventually(
        () -> {
          Map<String, EnvVar> env = env(container(deployment(ns, "qwen"), "inference"));
          assertThat(env.get("QWENOPS_MAX_NUM_SEQS").getValue()).isEqualTo("128");
          assertThat(env.get("QWENOPS_MODEL").getValue())
              .isEqualTo("hf://Qwen/Qwen2.5-7B-Instruct@a09a354");
        });
  }

  @Test
  void editsToOwnedObjectsArePutBackAndDeletedOnesRecreated() {
    String ns = freshNamespace();
    apply(Fixtures.qwen(ns, "qwen", "hf://Qwen/Qwen2.5-0.5B-Instruct", 2));
    eventually(
        () -> assertThat(client.services().inNamespace(ns).withName("qwen").get()).isNotNull());
    eventually(() -> assertThat(deployment(ns, "qwen")).isNotNull());

    client
        .apps()
        .deployments()
        .inNamespace(ns)
        .withName("qwen")
        .edit(
            d -> {
              d.getSpec().setReplicas(7);
              d.getSpec()
                  .getTemplate()
                  .getSpec()
                  .getContainers()
                  .getFirst()
                  .setImage("evil:latest");
              return d;
            });
    eventually(
        () -> {
          Deployment d = deployment(ns, "qwen");
          assertThat(d.getSpec().getReplicas()).isEqualTo(2);
          assertThat(container(d, "inference").getImage())
              .isEqualTo(io.qwenops.operator.desired.DefaultImages.BUILD.inference());
        });

    client.services().inNamespace(ns).withName("qwen").delete();
    client.policy().v1().podDisruptionBudget().inNamespace(ns).withName("qwen").delete();
    eventually(
        () -> {
          assertThat(client.services().inNamespace(ns).withName("qwen").get()).isNotNull();
          assertThat(
                  client.policy().v1().podDisruptionBudget().inNamespace(ns).withName("qwen").get())
              .isNotNull();
        });
  }

  @Test
  void missingSecretGivesReadyFalseAndAnEventThenRecoversWhenTheSecretAppears() {
    String ns = freshNamespace();
    QwenDeployment qd = Fixtures.qwen(ns, "gated", "hf://Qwen/Qwen2.5-0.5B-Instruct", 1);
    qd.getSpec().getModel().setHfTokenSecretRef(Fixtures.ref("hf-token", null));
    apply(qd);

    eventually(
        () -> {
          QwenDeployment now = get(ns, "gated");
          Condition ready = condition(now, "Ready");
          assertThat(ready.getStatus()).isEqualTo("False");
          assertThat(ready.getReason()).isEqualTo("SecretNotFound");
          assertThat(ready.getMessage())
              .contains("hf-token")
              .contains("kubectl create secret generic hf-token -n " + ns);
          assertThat(condition(now, "Degraded").getStatus()).isEqualTo("True");
        });
    eventually(
        () ->
            assertThat(client.v1().events().inNamespace(ns).list().getItems())
                .anySatisfy(
                    e -> {
                      assertThat(e.getType()).isEqualTo("Warning");
                      assertThat(e.getReason()).isEqualTo("SecretNotFound");
                      assertThat(e.getInvolvedObject().getName()).isEqualTo("gated");
                      assertThat(e.getInvolvedObject().getKind()).isEqualTo("QwenDeployment");
                    }));
    assertThat(deployment(ns, "gated")).as("nothing is rolled out for an invalid spec").isNull();
    String firstTransition = condition(get(ns, "gated"), "Ready").getLastTransitionTime();

    // Rechecked on a backoff, not in a hot loop: one Event for one problem.
    sleep(Duration.ofMillis(1500));
    assertThat(client.v1().events().inNamespace(ns).list().getItems()).hasSize(1);
    assertThat(condition(get(ns, "gated"), "Ready").getLastTransitionTime())
        .as("lastTransitionTime moves only when the status changes")
        .isEqualTo(firstTransition);

    client.resource(Fixtures.secret(ns, "hf-token", "token", "hf_x")).create();
    eventually(() -> assertThat(deployment(ns, "gated")).isNotNull());
    eventually(
        () -> {
          QwenDeployment now = get(ns, "gated");
          assertThat(condition(now, "Ready").getReason()).isEqualTo("ReplicasNotReady");
          assertThat(condition(now, "Degraded").getStatus()).isEqualTo("False");
        });
  }

  @Test
  void unparseableModelSourceIsReportedWithAHint() {
    String ns = freshNamespace();
    apply(Fixtures.qwen(ns, "typo", "s3://bucket/qwen", 1));
    eventually(
        () -> {
          Condition ready = condition(get(ns, "typo"), "Ready");
          assertThat(ready.getStatus()).isEqualTo("False");
          assertThat(ready.getReason()).isEqualTo("InvalidModelSource");
          assertThat(ready.getMessage()).contains("s3://bucket/qwen").contains("hf://ORG/NAME");
        });
    assertThat(deployment(ns, "typo")).isNull();
  }

  @Test
  void invalidEditKeepsServingPodsAndReportsTheProblem() {
    String ns = freshNamespace();
    apply(Fixtures.qwen(ns, "qwen", "hf://Qwen/Qwen2.5-0.5B-Instruct", 1));
    eventually(() -> assertThat(deployment(ns, "qwen")).isNotNull());
    patchSpec(ns, "qwen", "{\"spec\":{\"apiKeySecretRef\":{\"name\":\"missing\",\"key\":\"k\"}}}");
    eventually(
        () ->
            assertThat(condition(get(ns, "qwen"), "Ready").getReason())
                .isEqualTo("SecretNotFound"));
    assertThat(deployment(ns, "qwen")).as("a typo never tears down serving pods").isNotNull();
  }

  @Test
  void scalingThroughSpecReplicasResizesTheDeploymentAndTheBudget() {
    String ns = freshNamespace();
    apply(Fixtures.qwen(ns, "qwen", "hf://Qwen/Qwen2.5-0.5B-Instruct", 1));
    eventually(() -> assertThat(deployment(ns, "qwen")).isNotNull());
    assertThat(client.policy().v1().podDisruptionBudget().inNamespace(ns).withName("qwen").get())
        .as("no budget for a single pod")
        .isNull();

    // Through the scale subresource, as `kubectl scale qd/qwen --replicas=3` does.
    client.resources(QwenDeployment.class).inNamespace(ns).withName("qwen").scale(3);
    eventually(
        () -> {
          assertThat(deployment(ns, "qwen").getSpec().getReplicas()).isEqualTo(3);
          assertThat(
                  client.policy().v1().podDisruptionBudget().inNamespace(ns).withName("qwen").get())
              .isNotNull();
          QwenDeployment now = get(ns, "qwen");
          assertThat(now.getStatus().getReady()).isEqualTo("0/3");
          assertThat(now.getStatus().getSelector())
              .isEqualTo("app.kubernetes.io/name=qwen-inference,app.kubernetes.io/instance=qwen");
        });
    assertThat(
            client
                .resources(QwenDeployment.class)
                .inNamespace(ns)
                .withName("qwen")
                .scale()
                .getSpec()
                .getReplicas())
        .as("GET .../scale, as kubectl and an HPA read it")
        .isEqualTo(3);

    patchSpec(ns, "qwen", "{\"spec\":{\"replicas\":1}}");
    eventually(
        () -> {
          assertThat(deployment(ns, "qwen").getSpec().getReplicas()).isEqualTo(1);
          assertThat(
                  client.policy().v1().podDisruptionBudget().inNamespace(ns).withName("qwen").get())
              .as("budget removed again at one replica")
              .isNull();
        });
  }

  @Test
  void statusFollowsThePods() {
    String ns = freshNamespace();
    apply(Fixtures.qwen(ns, "qwen", "hf://Qwen/Qwen2.5-0.5B-Instruct", 2));
    eventually(() -> assertThat(deployment(ns, "qwen")).isNotNull());
    Deployment d = deployment(ns, "qwen");

    client.resource(pod(ns, d, "qwen-a", "node-1", "GPU-aaaa", true)).create();
    client.resource(pod(ns, d, "qwen-b", "node-2", null, false)).create();
    eventually(
        () -> {
          QwenDeployment now = get(ns, "qwen");
          assertThat(now.getStatus().getReady()).isEqualTo("1/2");
          assertThat(now.getStatus().getReplicas()).isEqualTo(2);
          assertThat(now.getStatus().getPods())
              .extracting(
                  p -> p.getName() + "@" + p.getNode() + ":" + p.getReady() + ":" + p.getGpuUuids())
              .containsExactly("qwen-a@node-1:true:[GPU-aaaa]", "qwen-b@node-2:false:null");
          assertThat(condition(now, "Ready").getStatus()).isEqualTo("False");
          assertThat(condition(now, "Ready").getMessage()).contains("1/2").contains("qwen-b");
        });
    String readyFalseSince = condition(get(ns, "qwen"), "Ready").getLastTransitionTime();

    // The second pod crash-loops: Degraded says so.
    client
        .pods()
        .inNamespace(ns)
        .withName("qwen-b")
        .editStatus(
            p -> {
              p.getStatus()
                  .setContainerStatuses(
                      List.of(
                          new io.fabric8.kubernetes.api.model.ContainerStatusBuilder()
                              .withName("inference")
                              .withReady(false)
                              .withNewState()
                              .withNewWaiting()
                              .withReason("CrashLoopBackOff")
                              .withMessage("back-off 40s restarting failed container")
                              .endWaiting()
                              .endState()
                              .build()));
              return p;
            });
    eventually(
        () -> {
          Condition degraded = condition(get(ns, "qwen"), "Degraded");
          assertThat(degraded.getStatus()).isEqualTo("True");
          assertThat(degraded.getReason()).isEqualTo("CrashLoopBackOff");
          assertThat(degraded.getMessage()).contains("qwen-b");
        });

    // Then it recovers and becomes ready.
    client.pods().inNamespace(ns).withName("qwen-b").editStatus(p -> readyStatus(p, true));
    eventually(
        () -> {
          QwenDeployment now = get(ns, "qwen");
          assertThat(now.getStatus().getReady()).isEqualTo("2/2");
          assertThat(now.getStatus().getReadyReplicas()).isEqualTo(2);
          assertThat(condition(now, "Ready").getStatus()).isEqualTo("True");
          assertThat(condition(now, "Ready").getLastTransitionTime()).isNotEqualTo(readyFalseSince);
          assertThat(condition(now, "Progressing").getStatus()).isEqualTo("False");
          assertThat(condition(now, "Degraded").getStatus()).isEqualTo("False");
        });
  }

  @Test
  void managedModelCacheGetsAnOwnedClaimMountedWhereWeightsAreDownloaded() {
    String ns = freshNamespace();
    QwenDeployment qd = Fixtures.qwen(ns, "cached", "hf://Qwen/Qwen2.5-0.5B-Instruct", 1);
    qd.getSpec().getModelCache().setType(ModelCacheType.Managed);
    qd.getSpec().getModelCache().setSize(new Quantity("50Gi"));
    qd.getSpec().getModelCache().setStorageClassName("fast-ssd");
    QwenDeployment created = apply(qd);

    eventually(
        () ->
            assertThat(
                    client
                        .persistentVolumeClaims()
                        .inNamespace(ns)
                        .withName("cached-model-cache")
                        .get())
                .isNotNull());
    PersistentVolumeClaim claim =
        client.persistentVolumeClaims().inNamespace(ns).withName("cached-model-cache").get();
    assertOwnedBy(claim, created);
    assertThat(claim.getSpec().getResources().getRequests().get("storage"))
        .isEqualTo(new Quantity("50Gi"));
    assertThat(claim.getSpec().getStorageClassName()).isEqualTo("fast-ssd");
    eventually(() -> assertThat(deployment(ns, "cached")).isNotNull());
    var pod = deployment(ns, "cached").getSpec().getTemplate().getSpec();
    assertThat(pod.getVolumes())
        .anySatisfy(
            v -> {
              assertThat(v.getName()).isEqualTo("model-cache");
              assertThat(v.getPersistentVolumeClaim().getClaimName())
                  .isEqualTo("cached-model-cache");
            });
    assertThat(pod.getContainers().getFirst().getVolumeMounts())
        .anySatisfy(
            m -> {
              assertThat(m.getName()).isEqualTo("model-cache");
              assertThat(m.getMountPath()).isEqualTo("/var/cache/qwenops/models");
            });
  }

  @Test
  void deletingTheQwenDeploymentLeavesOnlyObjectsTheGarbageCollectorRemoves() {
    String ns = freshNamespace();
    QwenDeployment created =
        apply(Fixtures.qwen(ns, "short-lived", "hf://Qwen/Qwen2.5-0.5B-Instruct", 2));
    eventually(
        () -> {
          assertThat(deployment(ns, "short-lived")).isNotNull();
          assertThat(client.services().inNamespace(ns).withName("short-lived").get()).isNotNull();
          assertThat(
                  client
                      .policy()
                      .v1()
                      .podDisruptionBudget()
                      .inNamespace(ns)
                      .withName("short-lived")
                      .get())
              .isNotNull();
        });
    client.resources(QwenDeployment.class).inNamespace(ns).withName("short-lived").delete();
    eventually(() -> assertThat(get(ns, "short-lived")).as("no finalizer holds it back").isNull());

    // The mock server has no garbage collector: every object left must name the deleted owner.
    List<HasMetadata> left = new java.util.ArrayList<>();
    left.addAll(client.apps().deployments().inNamespace(ns).list().getItems());
    left.addAll(client.services().inNamespace(ns).list().getItems());
    left.addAll(client.policy().v1().podDisruptionBudget().inNamespace(ns).list().getItems());
    left.addAll(client.persistentVolumeClaims().inNamespace(ns).list().getItems());
    assertThat(left).hasSize(3).allSatisfy(o -> assertOwnedBy(o, created));
  }

  @Test
  void readyzAndMetricsAsMainServesThem() throws Exception {
    String ns = freshNamespace();
    apply(Fixtures.qwen(ns, "counted", "hf://Qwen/Qwen2.5-0.5B-Instruct", 1));
    eventually(() -> assertThat(deployment(ns, "counted")).isNotNull());
    try (HttpEndpoints http =
        new HttpEndpoints(0, () -> operator.getRuntimeInfo().isStarted(), registry).start()) {
      HttpClient httpClient = HttpClient.newHttpClient();
      URI base = URI.create("http://127.0.0.1:" + http.port());
      assertThat(
              httpClient
                  .send(
                      HttpRequest.newBuilder(base.resolve("/readyz")).build(),
                      BodyHandlers.ofString())
                  .statusCode())
          .isEqualTo(200);
      eventually(
          () -> {
            String metrics;
            try {
              metrics =
                  httpClient
                      .send(
                          HttpRequest.newBuilder(base.resolve("/metrics")).build(),
                          BodyHandlers.ofString())
                      .body();
            } catch (java.io.IOException | InterruptedException e) {
              throw new AssertionError(e);
            }
            assertThat(metrics)
                .contains("operator_sdk_reconciliations_started_total")
                .contains("operator_sdk_reconciliations_success_total")
                .contains("operator_sdk_controllers_execution_reconcile_seconds")
                .as("no per-resource series")
                .doesNotContain("resource_name=\"counted\"");
          });
    }
  }

  /** A merge patch without resourceVersion, as kubectl patch and kubectl scale send. */
  static void patchSpec(String ns, String name, String json) {
    client
        .resources(QwenDeployment.class)
        .inNamespace(ns)
        .withName(name)
        .patch(PatchContext.of(PatchType.JSON_MERGE), json);
  }

  static Pod pod(String ns, Deployment d, String name, String node, String gpuUuid, boolean ready) {
    PodBuilder builder =
        new PodBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(ns)
            .withLabels(d.getSpec().getTemplate().getMetadata().getLabels())
            .endMetadata()
            .withSpec(d.getSpec().getTemplate().getSpec())
            .editSpec()
            .withNodeName(node)
            .endSpec();
    if (gpuUuid != null) {
      builder.editMetadata().addToAnnotations("qwenops.io/gpu-uuids", gpuUuid).endMetadata();
    }
    return readyStatus(builder.build(), ready);
  }

  static Pod readyStatus(Pod pod, boolean ready) {
    pod.setStatus(
        new io.fabric8.kubernetes.api.model.PodStatusBuilder()
            .withPhase("Running")
            .addNewCondition()
            .withType("PodScheduled")
            .withStatus("True")
            .endCondition()
            .addNewCondition()
            .withType("Ready")
            .withStatus(ready ? "True" : "False")
            .endCondition()
            .build());
    return pod;
  }

  static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
