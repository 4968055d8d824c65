package io.qwenops.operator.it;

import static io.qwenops.operator.it.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceRuleBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
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
import io.qwenops.operator.crd.ModelCacheType;
import io.qwenops.operator.crd.QwenDeployment;
import io.qwenops.operator.reconciler.InvalidSpecBackoff;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs a whole lifecycle with leader election on, records every request the operator sends, and
 * checks each one against operator-rbac.yaml: the operator never needs more than it asks for.
 */
class RbacCoversTheOperatorTest {

  static final String OPERATOR_AGENT = "qwenops-operator-under-test";

  @Test
  void everyRequestTheOperatorMakesIsAllowedByTheShippedRbac() throws Exception {
    List<PolicyRule> clusterRules = new ArrayList<>();
    List<PolicyRule> leaseRules = new ArrayList<>();
    loadRbac(clusterRules, leaseRules);

    Set<ApiRequest> used = new TreeSet<>((a, b) -> a.toString().compareTo(b.toString()));
    try (MockCluster cluster = new MockCluster()) {
      // JOSDK checks its lease access with a SelfSubjectRulesReview before electing; answer
      // with exactly the lease Role we ship.
      cluster
          .server
          .expect()
          .post()
          .withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
          .andReturn(201, rulesReview(leaseRules))
          .always();
      KubernetesClient operatorClient =
          new KubernetesClientBuilder()
              .withConfig(
                  new ConfigBuilder(cluster.client.getConfiguration())
                      .withUserAgent(OPERATOR_AGENT)
                      .build())
              .build();
      OperatorSettings settings =
          new OperatorSettings(
              Set.of(),
              true,
              "qwenops-operator-leader",
              "qwenops-system",
              "op-1",
              Duration.ofSeconds(5),
              false,
              0,
              2);
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
        if (OPERATOR_AGENT.equals(request.getHeader("User-Agent"))) {
          ApiRequest.parse(request.getMethod(), request.getPath()).ifPresent(used::add);
        }
      }
    }

    assertThat(used)
        .as("the scenario exercised the operator")
        .extracting(ApiRequest::toString)
        .contains(
            "create apps/deployments",
            "update apps/deployments",
            "create core/persistentvolumeclaims",
            "create core/events",
            "get core/secrets",
            "patch qwenops.io/qwendeployments/status",
            "watch core/pods");
    for (ApiRequest request : used) {
      List<PolicyRule> rules =
          request.group().equals("coordination.k8s.io") ? leaseRules : clusterRules;
      assertThat(rules.stream().anyMatch(rule -> allows(rule, request)))
          .as("operator-rbac.yaml allows " + request)
          .isTrue();
    }
  }

  static void lifecycle(KubernetesClient client) {
    String ns = "rbac";
    client.resource(Fixtures.secret(ns, "hf", "token", "x")).create();
    QwenDeployment qd = Fixtures.qwen(ns, "full", "hf://Qwen/Qwen2.5-0.5B-Instruct", 2);
    qd.getSpec().getModel().setHfTokenSecretRef(Fixtures.ref("hf", null));
    qd.getSpec().getModelCache().setType(ModelCacheType.Managed);
    qd.getSpec().getModelCache().setSize(new Quantity("10Gi"));
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
        });
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
            "{\"spec\":{\"replicas\":1,\"modelCache\":{\"type\":\"None\",\"size\":null}}}");
    eventually(
        () -> {
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

  static void loadRbac(List<PolicyRule> clusterRules, List<PolicyRule> leaseRules)
      throws IOException {
    try (InputStream in =
        RbacCoversTheOperatorTest.class.getResourceAsStream("/rbac/operator-rbac.yaml")) {
      String yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      for (String document : yaml.split("(?m)^---$")) {
        if (document.contains("kind: ClusterRole")) {
          clusterRules.addAll(Serialization.unmarshal(document, ClusterRole.class).getRules());
        } else if (document.contains("kind: Role")) {
          leaseRules.addAll(Serialization.unmarshal(document, Role.class).getRules());
        }
      }
    }
    assertThat(clusterRules).isNotEmpty();
    assertThat(leaseRules).isNotEmpty();
  }
}
