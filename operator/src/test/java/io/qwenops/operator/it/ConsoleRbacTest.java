package io.qwenops.operator.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.qwenops.operator.console.access.KubernetesAccess;
import io.qwenops.operator.console.deployments.ClusterDeployments;
import io.qwenops.operator.console.deployments.ConsoleDeployment;
import io.qwenops.operator.crd.QwenDeployment;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Records every request the console gateway's client makes (informers, an API key read, both access
 * reviews) and checks each against console-rbac.yaml.
 */
class ConsoleRbacTest {

  static final String CONSOLE_AGENT = "qwenops-console-under-test";

  @Test
  void everyRequestTheConsoleMakesIsAllowedByItsReadOnlyRbac() throws Exception {
    List<PolicyRule> rules;
    try (InputStream in = getClass().getResourceAsStream("/rbac/console-rbac.yaml")) {
      rules =
          Serialization.unmarshal(
                  new String(in.readAllBytes(), StandardCharsets.UTF_8), ClusterRole.class)
              .getRules();
    }
    Set<ApiRequest> used = new TreeSet<>((a, b) -> a.toString().compareTo(b.toString()));
    try (MockCluster cluster = new MockCluster()) {
      cluster
          .server
          .expect()
          .post()
          .withPath("/apis/authentication.k8s.io/v1/tokenreviews")
          .andReturn(201, "{\"status\":{\"authenticated\":true,\"user\":{\"username\":\"bob\"}}}")
          .always();
      cluster
          .server
          .expect()
          .post()
          .withPath("/apis/authorization.k8s.io/v1/subjectaccessreviews")
          .andReturn(201, "{\"status\":{\"allowed\":true}}")
          .always();
      QwenDeployment qd = Fixtures.qwen("ml", "q", "hf://Qwen/Qwen2.5-0.5B-Instruct", 1);
      qd.getSpec().setApiKeySecretRef(Fixtures.ref("q-key", null));
      cluster.client.resource(qd).create();
      cluster.client.resource(Fixtures.secret("ml", "q-key", "api-key", "k")).create();
      KubernetesClient console =
          new KubernetesClientBuilder()
              .withConfig(
                  new ConfigBuilder(cluster.client.getConfiguration())
                      .withUserAgent(CONSOLE_AGENT)
                      .build())
              .build();
      try (ClusterDeployments source = ClusterDeployments.start(console, Set.of())) {
        ConsoleDeployment d = source.find("ml", "q").orElseThrow();
        assertThat(source.apiKey(d)).hasValue("k");
        assertThat(new KubernetesAccess(console).authenticate("t").orElseThrow().mayGet("ml", "q"))
            .isTrue();
      } finally {
        console.close();
      }
      RecordedRequest request;
      while ((request = cluster.server.takeRequest(1, TimeUnit.MILLISECONDS)) != null) {
        if (CONSOLE_AGENT.equals(request.getHeader("User-Agent"))) {
          ApiRequest.parse(request.getMethod(), request.getPath()).ifPresent(used::add);
        }
      }
    }
    assertThat(used)
        .extracting(ApiRequest::toString)
        .contains(
            "list qwenops.io/qwendeployments",
            "watch qwenops.io/qwendeployments",
            "watch core/pods",
            "get core/secrets",
            "create authentication.k8s.io/tokenreviews",
            "create authorization.k8s.io/subjectaccessreviews");
    for (ApiRequest request : used) {
      assertThat(rules.stream().anyMatch(rule -> RbacCoversTheOperatorTest.allows(rule, request)))
          .as("console-rbac.yaml allows " + request)
          .isTrue();
    }
    for (PolicyRule rule : rules) {
      boolean reads = Set.of("get", "list", "watch").containsAll(rule.getVerbs());
      boolean reviews =
          rule.getVerbs().equals(List.of("create"))
              && rule.getResources().stream().allMatch(r -> r.endsWith("reviews"));
      assertThat(reads || reviews).as("read-only rule " + rule.getResources()).isTrue();
    }
  }
}
