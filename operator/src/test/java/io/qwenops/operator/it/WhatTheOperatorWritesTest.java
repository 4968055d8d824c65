package io.qwenops.operator.it;

import static io.qwenops.operator.it.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.qwenops.operator.app.OperatorSettings;
import io.qwenops.operator.app.QwenOperator;
import io.qwenops.operator.crd.PodSummary;
import io.qwenops.operator.crd.QwenDeployment;
import io.qwenops.operator.crd.ResourcesSpec;
import io.qwenops.operator.reconciler.InvalidSpecBackoff;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the operator sends to the API server and what it leaves alone: server-side apply under its
 * field manager, removals, canonical quantities, fields other managers own, and status writes that
 * race another write. The mock applies a simplified server-side apply ({@link
 * ApplyingCrudDispatcher}); where a real server does more, the test reads the apply body.
 */
class WhatTheOperatorWritesTest {

  static final String MODEL = "hf://Qwen/Qwen2.5-0.5B-Instruct";
  static MockCluster cluster;
  static KubernetesClient client;
  static final SentRequests sent = new SentRequests();
  static SimpleMeterRegistry registry;
  static Operator operator;
  static final AtomicInteger NAMESPACES = new AtomicInteger();

  @BeforeAll
  static void startOperator() {
    cluster = new MockCluster();
    client = cluster.client;
    registry = new SimpleMeterRegistry();
    operator =
        QwenOperator.create(
            sent.client(cluster, "qwenops-operator-test"),
            OperatorSettings.standalone(4),
            registry,
            new InvalidSpecBackoff(Duration.ofMillis(200), Duration.ofSeconds(1)));
    operator.start();
  }

  @AfterAll
  static void stopOperator() {
    operator.stop();
    cluster.close();
  }

  @Test
  void fieldsDroppedFromTheSpecLeaveTheNextApplyAndTheObjects() {
    String ns = "removals-" + NAMESPACES.incrementAndGet();
    client.resource(Fixtures.secret(ns, "qwen-key", "api-key", "sk-1")).create();
    QwenDeployment qd = Fixtures.qwen(ns, "qwen", MODEL, 2);
    qd.getSpec().setNodeSelector(Map.of("pool", "gpu", "zone", "a"));
    qd.getSpec().setTolerations(List.of(toleration("nvidia.com/gpu"), toleration("dedicated")));
    qd.getSpec().setApiKeySecretRef(Fixtures.ref("qwen-key", "api-key"));
    qd.getSpec().getService().setAnnotations(Map.of("keep", "1", "drop", "2"));
    client.resource(qd).create();
    eventually(
        () -> {
          assertThat(deployment(ns).getSpec().getTemplate().getSpec().getNodeSelector())
              .containsKey("zone");
          assertThat(service(ns).getMetadata().getAnnotations()).containsKey("drop");
        });
    int before = sent.all().size();

    client
        .resources(QwenDeployment.class)
        .inNamespace(ns)
        .withName("qwen")
        .edit(
            q -> {
              q.getSpec().setNodeSelector(Map.of("pool", "gpu"));
              q.getSpec().setTolerations(List.of(toleration("nvidia.com/gpu")));
              q.getSpec().getExporter().setEnabled(false);
              q.getSpec().getResources().setGpus(0);
              q.getSpec().setApiKeySecretRef(null);
              q.getSpec().getService().setAnnotations(Map.of("keep", "1"));
              return q;
            });

    eventually(
        () -> {
          var pod = deployment(ns).getSpec().getTemplate().getSpec();
          assertThat(pod.getNodeSelector()).isEqualTo(Map.of("pool", "gpu"));
          assertThat(pod.getTolerations())
              .extracting(Toleration::getKey)
              .containsExactly("nvidia.com/gpu");
          assertThat(pod.getContainers())
              .extracting(Container::getName)
              .containsExactly("inference");
          Container inference = pod.getContainers().getFirst();
          assertThat(inference.getEnv())
              .extracting(EnvVar::getName)
              .doesNotContain("QWENOPS_API_KEY");
          assertThat(inference.getResources().getLimits()).doesNotContainKey("nvidia.com/gpu");
          assertThat(service(ns).getMetadata().getAnnotations())
              .containsEntry("keep", "1")
              .doesNotContainKey("drop");
        });
    // What a real server needs to remove them: an apply by our field manager without them.
    SentRequests.Sent deploymentApply = lastWrite(before, ns, "deployments/qwen");
    assertIsApply(deploymentApply);
    Deployment applied = Serialization.unmarshal(deploymentApply.body(), Deployment.class);
    assertThat(applied.getSpec().getTemplate().getSpec().getNodeSelector())
        .isEqualTo(Map.of("pool", "gpu"));
    assertThat(applied.getSpec().getTemplate().getSpec().getContainers()).hasSize(1);
    SentRequests.Sent serviceApply = lastWrite(before, ns, "services/qwen");
    assertIsApply(serviceApply);
    assertThat(
            Serialization.unmarshal(serviceApply.body(), Service.class)
                .getMetadata()
                .getAnnotations())
        .doesNotContainKey("drop");
  }

  @Test
  void everyOwnedKindIsCreatedByApplyAndEditsToItsFieldsAreApplied() {
    String ns = "kinds-" + NAMESPACES.incrementAndGet();
    QwenDeployment qd = Fixtures.qwen(ns, "qwen", MODEL, 2);
    qd.getSpec().getModelCache().setType(io.qwenops.operator.crd.ModelCacheType.Managed);
    qd.getSpec().getModelCache().setSize(new Quantity("20Gi"));
    client.resource(qd).create();
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
    eventually(
        () ->
            assertThat(client.persistentVolumeClaims().inNamespace(ns).list().getItems())
                .hasSize(1));
    for (String path :
        List.of(
            "deployments/qwen",
            "services/qwen",
            "poddisruptionbudgets/qwen",
            "persistentvolumeclaims/")) {
      SentRequests.Sent first =
          sent.all().stream()
              .filter(SentRequests.Sent::isWrite)
              .filter(s -> s.path().contains("/namespaces/" + ns + "/" + path))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no write to " + path));
      assertIsApply(first);
    }
    int before = sent.all().size();
    // An edit to a field the operator owns is drift: the next apply puts it back.
    client
        .policy()
        .v1()
        .podDisruptionBudget()
        .inNamespace(ns)
        .withName("qwen")
        .edit(
            p -> {
              p.getSpec().setMaxUnavailable(new io.fabric8.kubernetes.api.model.IntOrString(5));
              return p;
            });
    eventually(
        () ->
            assertThat(
                    client
                        .policy()
                        .v1()
                        .podDisruptionBudget()
                        .inNamespace(ns)
                        .withName("qwen")
                        .get()
                        .getSpec()
                        .getMaxUnavailable()
                        .getIntVal())
                .isEqualTo(1));
    assertIsApply(lastWrite(before, ns, "poddisruptionbudgets/qwen"));
  }

  @Test
  void quantitiesTheServerStoresInCanonicalFormCauseNoFurtherWrites() throws InterruptedException {
    String ns = "quantities-" + NAMESPACES.incrementAndGet();
    client.resource(withResources(Fixtures.qwen(ns, "half", MODEL, 1), "0.5", "1.5Gi")).create();
    client
        .resource(withResources(Fixtures.qwen(ns, "whole", MODEL, 1), "1000m", "2048Mi"))
        .create();
    eventually(
        () -> {
          assertThat(client.apps().deployments().inNamespace(ns).withName("half").get())
              .isNotNull();
          assertThat(client.apps().deployments().inNamespace(ns).withName("whole").get())
              .isNotNull();
        });
    // The API server keeps quantities in canonical form: what a GET returns after our apply.
    int before = sent.all().size();
    double reconciles = reconciles();
    canonicalise(ns, "half", "500m", "1536Mi");
    canonicalise(ns, "whole", "1", "2Gi");

    // Each rewrite is an event on the Deployment, and each event a reconcile; pods add more.
    client.resource(pod(ns, "half", "half-a")).create();
    client.resource(pod(ns, "whole", "whole-a")).create();
    eventually(() -> assertThat(reconciles()).isGreaterThanOrEqualTo(reconciles + 4));
    Thread.sleep(500);

    assertThat(writes(before, ns, "/deployments/"))
        .as("a Deployment the server rewrote in canonical form still matches the spec")
        .isEmpty();
    assertThat(
            client
                .apps()
                .deployments()
                .inNamespace(ns)
                .withName("half")
                .get()
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .getFirst()
                .getResources()
                .getRequests()
                .get("cpu")
                .toString())
        .isEqualTo("500m");
  }

  @Test
  void fieldsOthersWriteIntoTheDeploymentStay() throws InterruptedException {
    String ns = "others-" + NAMESPACES.incrementAndGet();
    client.resource(Fixtures.qwen(ns, "qwen", MODEL, 1)).create();
    eventually(() -> assertThat(deployment(ns)).isNotNull());
    // kubectl rollout restart, a policy engine's label and injected sidecar.
    client
        .apps()
        .deployments()
        .inNamespace(ns)
        .withName("qwen")
        .edit(
            d -> {
              d.getMetadata().getLabels().put("policy.example.com/verified", "true");
              var template = d.getSpec().getTemplate();
              template.getMetadata().getAnnotations().put(RESTARTED_AT, "2026-12-03T10:00:00Z");
              template.getMetadata().getLabels().put("policy.example.com/verified", "true");
              template
                  .getSpec()
                  .getContainers()
                  .add(new ContainerBuilder().withName("istio-proxy").withImage("proxy:1").build());
              return d;
            });
    int before = sent.all().size();
    double reconciles = reconciles();
    client.resource(pod(ns, "qwen", "qwen-a")).create();
    eventually(() -> assertThat(reconciles()).isGreaterThanOrEqualTo(reconciles + 2));
    Thread.sleep(500);

    assertThat(writes(before, ns, "/deployments/"))
        .as("fields the operator does not own are no difference")
        .isEmpty();
    Deployment live = deployment(ns);
    assertThat(live.getSpec().getTemplate().getMetadata().getAnnotations())
        .containsKey(RESTARTED_AT);
    assertThat(live.getSpec().getTemplate().getSpec().getContainers())
        .extracting(Container::getName)
        .contains("istio-proxy");

    patchSpec(ns, "{\"spec\":{\"engine\":{\"maxNumSeqs\":96}}}");
    eventually(
        () ->
            assertThat(
                    deployment(ns)
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .getFirst()
                        .getEnv())
                .contains(new EnvVar("QWENOPS_MAX_NUM_SEQS", "96", null)));
    live = deployment(ns);
    assertThat(live.getMetadata().getLabels()).containsKey("policy.example.com/verified");
    assertThat(live.getSpec().getTemplate().getMetadata().getAnnotations())
        .as("a spec change does not undo a rollout restart")
        .containsKey(RESTARTED_AT);
    // The apply names only what the operator owns, so a real server keeps the rest (the sidecar
    // too: containers merge by name there; the mock replaces the list).
    Deployment applied =
        Serialization.unmarshal(lastWrite(before, ns, "deployments/qwen").body(), Deployment.class);
    assertThat(applied.getSpec().getTemplate().getMetadata().getAnnotations())
        .doesNotContainKey(RESTARTED_AT);
    assertThat(applied.getMetadata().getLabels()).doesNotContainKey("policy.example.com/verified");
    assertThat(applied.getSpec().getTemplate().getSpec().getContainers())
        .extracting(Container::getName)
        .doesNotContain("istio-proxy");
  }

  @Test
  void aStatusWriteThatRacesAnotherKeepsPodsUniqueAndTheTransitionTime() {
    String ns = "race-" + NAMESPACES.incrementAndGet();
    client.resource(Fixtures.qwen(ns, "qwen", MODEL, 2)).create();
    eventually(() -> assertThat(deployment(ns)).isNotNull());
    client.resource(pod(ns, "qwen", "qwen-a")).create();
    eventually(() -> assertThat(podNames(get(ns))).containsExactly("qwen-a"));

    List<List<String>> seen = new CopyOnWriteArrayList<>();
    Watch watch =
        client
            .resources(QwenDeployment.class)
            .inNamespace(ns)
            .withName("qwen")
            .watch(
                new Watcher<>() {
                  @Override
                  public void eventReceived(Action action, QwenDeployment resource) {
                    seen.add(podNames(resource));
                  }

                  @Override
                  public void onClose(WatcherException cause) {}
                });
    String since = "2026-01-01T00:00:00Z";
    AtomicBoolean armed = new AtomicBoolean(true);
    sent.beforeSend(
        s -> {
          if (s.isWrite()
              && s.path().endsWith("/namespaces/" + ns + "/qwendeployments/qwen/status")
              && armed.compareAndSet(true, false)) {
            // Between the operator's read and its write, the status it is about to write lands
            // (its own previous write, which the cache has not delivered yet), with its own
            // transition time.
            QwenDeployment fresh = get(ns);
            List<PodSummary> pods = new ArrayList<>(fresh.getStatus().getPods());
            PodSummary b = Serialization.clone(pods.getFirst());
            b.setName("qwen-b");
            pods.add(b);
            fresh.getStatus().setPods(pods);
            fresh.getStatus().getConditions().forEach(c -> c.setLastTransitionTime(since));
            client.resource(fresh).updateStatus();
          }
        });
    try {
      client.resource(pod(ns, "qwen", "qwen-b")).create();
      eventually(() -> assertThat(armed).isFalse());
      eventually(() -> assertThat(podNames(get(ns))).containsExactly("qwen-a", "qwen-b"));
    } finally {
      sent.beforeSend(s -> {});
      watch.close();
    }
    assertThat(seen)
        .as("no stored version lists a pod twice")
        .allSatisfy(names -> assertThat(names).doesNotHaveDuplicates());
    Condition ready =
        get(ns).getStatus().getConditions().stream()
            .filter(c -> c.getType().equals("Ready"))
            .findFirst()
            .orElseThrow();
    assertThat(ready.getLastTransitionTime())
        .as("Ready did not change, so its transition time is the one the server had")
        .isEqualTo(since);
  }

  @Test
  void aSpecProblemTheServerAlreadyShowsIsNotAnnouncedAgain() throws InterruptedException {
    String ns = "warning-" + NAMESPACES.incrementAndGet();
    QwenDeployment qd = Fixtures.qwen(ns, "qwen", MODEL, 1);
    qd.getSpec().setApiKeySecretRef(Fixtures.ref("absent", "api-key"));
    AtomicBoolean armed = new AtomicBoolean(true);
    sent.beforeSend(
        s -> {
          if (s.method().equals("PUT")
              && s.path().endsWith("/namespaces/" + ns + "/qwendeployments/qwen/status")
              && armed.compareAndSet(true, false)) {
            // The report lands first, as the operator's own earlier write would while its cache
            // still shows the object without it.
            QwenDeployment report = Serialization.unmarshal(s.body(), QwenDeployment.class);
            QwenDeployment fresh = get(ns);
            fresh.setStatus(report.getStatus());
            client.resource(fresh).updateStatus();
          }
        });
    try {
      client.resource(qd).create();
      eventually(() -> assertThat(armed).isFalse());
    } finally {
      sent.beforeSend(s -> {});
    }
    eventually(
        () ->
            assertThat(get(ns).getStatus().getConditions())
                .anySatisfy(c -> assertThat(c.getReason()).isEqualTo("SecretNotFound")));
    // The test backoff rechecks every 200 ms to 1 s: several reconciles see the same problem.
    Thread.sleep(1500);
    assertThat(writes(0, ns, "/events"))
        .as("the status the server had already reports the problem: no Warning again")
        .isEmpty();
  }

  static final String RESTARTED_AT = "kubectl.kubernetes.io/restartedAt";

  static void assertIsApply(SentRequests.Sent write) {
    assertThat(write.method()).isEqualTo("PATCH");
    assertThat(write.contentType()).startsWith("application/apply-patch+yaml");
    assertThat(write.query()).contains("fieldManager=qwenops-operator").contains("force=true");
  }

  static List<SentRequests.Sent> writes(int after, String ns, String pathPart) {
    List<SentRequests.Sent> all = sent.all();
    return all.subList(after, all.size()).stream()
        .filter(SentRequests.Sent::isWrite)
        .filter(s -> s.path().contains("/namespaces/" + ns + "/"))
        .filter(s -> s.path().contains(pathPart))
        .toList();
  }

  static SentRequests.Sent lastWrite(int after, String ns, String path) {
    List<SentRequests.Sent> writes =
        writes(after, ns, path).stream().filter(s -> s.path().endsWith(path)).toList();
    assertThat(writes).as("writes to " + path).isNotEmpty();
    return writes.getLast();
  }

  static List<String> podNames(QwenDeployment qd) {
    if (qd.getStatus() == null || qd.getStatus().getPods() == null) {
      return List.of();
    }
    return qd.getStatus().getPods().stream().map(PodSummary::getName).toList();
  }

  static QwenDeployment withResources(QwenDeployment qd, String cpu, String memory) {
    ResourcesSpec resources = qd.getSpec().getResources();
    resources.setCpu(new Quantity(cpu));
    resources.setMemory(new Quantity(memory));
    return qd;
  }

  static void canonicalise(String ns, String name, String cpu, String memory) {
    client
        .apps()
        .deployments()
        .inNamespace(ns)
        .withName(name)
        .edit(
            d -> {
              var resources =
                  d.getSpec().getTemplate().getSpec().getContainers().getFirst().getResources();
              resources.getRequests().put("cpu", new Quantity(cpu));
              resources.getRequests().put("memory", new Quantity(memory));
              resources.getLimits().put("memory", new Quantity(memory));
              return d;
            });
  }

  static Pod pod(String ns, String deployment, String name) {
    Deployment d = client.apps().deployments().inNamespace(ns).withName(deployment).get();
    return OperatorAgainstMockClusterTest.pod(ns, d, name, "node-1", null, false);
  }

  static double reconciles() {
    return registry.getMeters().stream()
        .filter(m -> m.getId().getName().equals("operator.sdk.reconciliations.started"))
        .filter(m -> m instanceof Counter)
        .mapToDouble(m -> ((Counter) m).count())
        .sum();
  }

  static Toleration toleration(String key) {
    return new TolerationBuilder().withKey(key).withOperator("Exists").build();
  }

  static Deployment deployment(String ns) {
    return client.apps().deployments().inNamespace(ns).withName("qwen").get();
  }

  static Service service(String ns) {
    return client.services().inNamespace(ns).withName("qwen").get();
  }

  static QwenDeployment get(String ns) {
    return client.resources(QwenDeployment.class).inNamespace(ns).withName("qwen").get();
  }

  static void patchSpec(String ns, String json) {
    client
        .resources(QwenDeployment.class)
        .inNamespace(ns)
        .withName("qwen")
        .patch(PatchContext.of(PatchType.JSON_MERGE), json);
  }
}
