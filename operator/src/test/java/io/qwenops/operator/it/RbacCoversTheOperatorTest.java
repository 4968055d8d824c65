package io.qwenops.operator.it;

import static io.qwenops.operator.it.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceRuleBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.qwenops.operator.app.OperatorSettings;
import io.qwenops.operator.app.QwenOperator;
import io.qwenops.operator.crd.AutoscalingSpec;
import io.qwenops.operator.crd.ModelCacheType;
import io.qwenops.operator.crd.QwenDeployment;
import io.qwenops.operator.desired.DefaultImages;
import io.qwenops.operator.reconciler.InvalidSpecBackoff;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Runs a whole lifecycle with leader election on, records every request the operator sends, and
 * checks each one against operator-rbac.yaml bound as docs/operator.md says: the operator never
 * needs more than it asks for, and watching a few namespaces it needs nothing outside them.
 */
class RbacCoversTheOperatorTest {

  static final String OPERATOR_AGENT = "qwenops-operator-under-test";
  static final String OPERATOR_NAMESPACE = "qwenops-system";
  static final String NS = "rbac";

  /** The roles in the shipped file, by name. */
  record Roles(List<PolicyRule> operator, List<PolicyRule> accessReview, List<PolicyRule> leases) {}

  /** What the operator sent: each request as RBAC reads it, plus its raw path and Accept. */
  record Recorded(Set<ApiRequest> requests, List<String[]> secretReads) {}

  @Test
  void watchingAllNamespacesEveryRequestIsAllowedAndSecretValuesAreReadOnlyForTheExporterToken()
      throws Exception {
    Roles roles = loadRbac();
    Recorded recorded = run(roles, Set.of(), client -> {});

    assertThat(recorded.requests())
        .as("the scenario exercised the operator")
        .extracting(ApiRequest::toString)
        .contains(
            "patch apps/deployments",
            "patch core/persistentvolumeclaims",
            "patch autoscaling/horizontalpodautoscalers",
            "delete autoscaling/horizontalpodautoscalers",
            "watch autoscaling/horizontalpodautoscalers",
            "create core/events",
            "get core/secrets",
            "update qwenops.io/qwendeployments/status",
            "watch core/pods");
    for (ApiRequest request : recorded.requests()) {
      assertThat(allowed(roles, request, Set.of()))
          .as("operator-rbac.yaml allows " + request + " in " + request.namespace())
          .isTrue();
    }
    // RBAC cannot say "metadata only"; the operator asks for no more than that where it can.
    assertThat(recorded.secretReads().stream().map(r -> r[0] + " " + r[1]).distinct())
        .as("which Secrets were read, and how")
        .containsExactlyInAnyOrder("hf metadata", "nope metadata", "exporter-auth full");
  }

  @Test
  void watchingAFewNamespacesRoleBindingsThereAreEnough() throws Exception {
    Roles roles = loadRbac();
    Set<String> watched = Set.of(NS, "rbac-spare");
    Recorded recorded =
        run(
            roles,
            watched,
            client -> {
              // Not watched: the operator must not so much as look.
              client.resource(Fixtures.secret("elsewhere", "hf", "token", "x")).create();
              client
                  .resource(
                      Fixtures.qwen("elsewhere", "other", "hf://Qwen/Qwen2.5-0.5B-Instruct", 1))
                  .create();
            });

    assertThat(recorded.requests()).extracting(ApiRequest::toString).contains("get core/secrets");
    for (ApiRequest request : recorded.requests()) {
      assertThat(allowed(roles, request, watched))
          .as(
              "a RoleBinding in "
                  + watched
                  + " (or the lease Role) allows "
                  + request
                  + " in "
                  + request.namespace())
          .isTrue();
    }
  }

  static HorizontalPodAutoscaler autoscaler(KubernetesClient client, String ns, String name) {
    return client
        .autoscaling()
        .v2()
        .horizontalPodAutoscalers()
        .inNamespace(ns)
        .withName(name)
        .get();
  }

  /** Is the request allowed, with the ClusterRole bound cluster-wide or in {@code watched} only? */
  static boolean allowed(Roles roles, ApiRequest request, Set<String> watched) {
    if (request.group().equals("coordination.k8s.io")) {
      return OPERATOR_NAMESPACE.equals(request.namespace()) && anyAllows(roles.leases(), request);
    }
    if (request.resource().equals("selfsubjectrulesreviews")) {
      return request.clusterWide() && anyAllows(roles.accessReview(), request);
    }
    boolean bound = watched.isEmpty() || watched.contains(request.namespace());
    return bound && anyAllows(roles.operator(), request);
  }

  static boolean anyAllows(List<PolicyRule> rules, ApiRequest request) {
    return rules.stream().anyMatch(rule -> allows(rule, request));
  }

  static Recorded run(Roles roles, Set<String> watched, Consumer<KubernetesClient> before)
      throws Exception {
    Set<ApiRequest> used = new LinkedHashSet<>();
    List<String[]> secretReads = new ArrayList<>();
    try (MockCluster cluster = new MockCluster()) {
      // JOSDK checks its lease access with a SelfSubjectRulesReview before electing; answer
      // with exactly the lease Role we ship.
      cluster
          .server
          .expect()
          .post()
          .withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
          .andReturn(201, rulesReview(roles.leases()))
          .always();
      before.accept(cluster.client);
      KubernetesClient operatorClient =
          new KubernetesClientBuilder()
              .withConfig(
                  new ConfigBuilder(cluster.client.getConfiguration())
                      .withUserAgent(OPERATOR_AGENT)
                      .build())
              .build();
      OperatorSettings settings =
          new OperatorSettings(
              watched,
              true,
              "qwenops-operator-leader",
              OPERATOR_NAMESPACE,
              "op-1",
              Duration.ofSeconds(5),
              false,
              0,
              2,
              DefaultImages.BUILD);
      Operator operator =
          QwenOperator.create(
              operatorClient,
              settings,
              new SimpleMeterRegistry(),
              new InvalidSpecBackoff(Duration.ofMillis(100), Duration.ofMillis(500)));
      operator.start();
      try {
        lifecycle(cluster.client);
      } finally {
        operator.stop();
        operatorClient.close();
      }
      RecordedRequest request;
      while ((request = cluster.server.takeRequest(1, TimeUnit.MILLISECONDS)) != null) {
        if (!OPERATOR_AGENT.equals(request.getHeader("User-Agent"))) {
          continue;
        }
        ApiRequest.parse(request.getMethod(), request.getPath()).ifPresent(used::add);
        String secretPrefix = "/api/v1/namespaces/" + NS + "/secrets/";
        if (request.getPath().startsWith(secretPrefix)) {
          String accept = String.valueOf(request.getHeader("Accept"));
          secretReads.add(
              new String[] {
                request.getPath().substring(secretPrefix.length()),
                accept.contains("as=PartialObjectMetadata") ? "metadata" : "full"
              });
        }
      }
    }
    return new Recorded(used, secretReads);
  }

  static void lifecycle(KubernetesClient client) {
    String ns = NS;
    client.resource(Fixtures.secret(ns, "hf", "token", "x")).create();
    client.resource(Fixtures.secret(ns, "exporter-auth", "token", "s3cret")).create();
    QwenDeployment qd = Fixtures.qwen(ns, "full", "hf://Qwen/Qwen2.5-0.5B-Instruct", 2);
    qd.getSpec().getModel().setHfTokenSecretRef(Fixtures.ref("hf", null));
    qd.getSpec().getExporter().setTokenSecretRef(Fixtures.ref("exporter-auth", null));
    qd.getSpec().getModelCache().setType(ModelCacheType.Managed);
    qd.getSpec().getModelCache().setSize(new Quantity("10Gi"));
    AutoscalingSpec autoscaling = new AutoscalingSpec();
    autoscaling.setMaxReplicas(3);
    qd.getSpec().setAutoscaling(autoscaling);
    client.resource(qd).create();
    client.resource(Fixtures.qwen(ns, "broken", "hf://Qwen/Qwen2.5-0.5B-Instruct", 1)).create();
    client
        .resources(QwenDeployment.class)
        .inNamespace(ns)
        .withName("broken")
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            "{\"spec\":{\"apiKeySecretRef\":{\"name\":\"nope\"}}}");
    eventually(
        () -> {
          assertThat(client.apps().deployments().inNamespace(ns).withName("full").get())
              .isNotNull();
          assertThat(
                  client.policy().v1().podDisruptionBudget().inNamespace(ns).withName("full").get())
              .isNotNull();
          assertThat(client.v1().events().inNamespace(ns).list().getItems()).isNotEmpty();
          assertThat(autoscaler(client, ns, "full")).isNotNull();
        });
    // A pod stuck on its volumes: the operator lists its Events.
    Pod stuck = VolumeEventsAgainstMockClusterTest.waitingOnVolumes(client, ns, "full", "full-a");
    client
        .resource(
            VolumeEventsAgainstMockClusterTest.warning(
                ns,
                "full-a",
                stuck.getMetadata().getUid(),
                "FailedAttachVolume",
                "Multi-Attach error for volume \"pvc-1\"",
                "2026-12-03T10:00:00Z"))
        .create();
    client
        .pods()
        .inNamespace(ns)
        .withName("full-a")
        .edit(
            p -> {
              p.getMetadata().setAnnotations(Map.of("touched", "now"));
              return p;
            });
    eventually(
        () ->
            assertThat(
                    client
                        .resources(QwenDeployment.class)
                        .inNamespace(ns)
                        .withName("full")
                        .get()
                        .getStatus()
                        .getConditions())
                .anyMatch(c -> "VolumeAttachFailed".equals(c.getReason())));
    // Drift, a scale-down that removes the budget, and a switch back to no cache.
    client
        .apps()
        .deployments()
        .inNamespace(ns)
        .withName("full")
        .edit(
            d -> {
              d.getSpec().setReplicas(9);
              return d;
            });
    eventually(
        () ->
            assertThat(
                    client
                        .apps()
                        .deployments()
                        .inNamespace(ns)
                        .withName("full")
                        .get()
                        .getSpec()
                        .getReplicas())
                .isEqualTo(2));
    client
        .resources(QwenDeployment.class)
        .inNamespace(ns)
        .withName("full")
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            "{\"spec\":{\"replicas\":1,\"modelCache\":{\"type\":\"None\",\"size\":null},"
                + "\"autoscaling\":null}}");
    eventually(
        () -> {
          assertThat(autoscaler(client, ns, "full")).isNull();
          assertThat(
                  client.policy().v1().podDisruptionBudget().inNamespace(ns).withName("full").get())
              .isNull();
          assertThat(
                  client
                      .persistentVolumeClaims()
                      .inNamespace(ns)
                      .withName("full-model-cache")
                      .get())
              .isNull();
        });
    client.resources(QwenDeployment.class).inNamespace(ns).withName("full").delete();
  }

  static SelfSubjectRulesReview rulesReview(List<PolicyRule> rules) {
    return new SelfSubjectRulesReviewBuilder()
        .withNewMetadata()
        .endMetadata()
        .withNewStatus()
        .withIncomplete(false)
        .withResourceRules(
            rules.stream()
                .map(
                    r ->
                        new ResourceRuleBuilder()
                            .withApiGroups(r.getApiGroups())
                            .withResources(r.getResources())
                            .withVerbs(r.getVerbs())
                            .build())
                .toList())
        .endStatus()
        .build();
  }

  static boolean allows(PolicyRule rule, ApiRequest request) {
    return rule.getApiGroups().contains(request.group())
        && rule.getResources().contains(request.resource())
        && rule.getVerbs().contains(request.verb());
  }

  static Roles loadRbac() throws IOException {
    Map<String, List<PolicyRule>> byName = new HashMap<>();
    try (InputStream in =
        RbacCoversTheOperatorTest.class.getResourceAsStream("/rbac/operator-rbac.yaml")) {
      String yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      for (String document : yaml.split("(?m)^---$")) {
        if (document.contains("kind: ClusterRole")) {
          ClusterRole role = Serialization.unmarshal(document, ClusterRole.class);
          byName.put(role.getMetadata().getName(), role.getRules());
        } else if (document.contains("kind: Role")) {
          Role role = Serialization.unmarshal(document, Role.class);
          byName.put(role.getMetadata().getName(), role.getRules());
        }
      }
    }
    assertThat(byName)
        .containsOnlyKeys(
            "qwenops-operator",
            "qwenops-operator-access-review",
            "qwenops-operator-leader-election");
    return new Roles(
        byName.get("qwenops-operator"),
        byName.get("qwenops-operator-access-review"),
        byName.get("qwenops-operator-leader-election"));
  }
}
