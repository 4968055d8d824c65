package io.qwenops.charts;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceRuleBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.qwenops.operator.app.OperatorSettings;
import io.qwenops.operator.app.QwenOperator;
import io.qwenops.operator.crd.BuildImages;
import io.qwenops.operator.crd.QwenDeployment;
import io.qwenops.operator.it.ApplyingCrudDispatcher;
import io.qwenops.operator.reconciler.InvalidSpecBackoff;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The rendered chart installed into fabric8's mock API server (CRUD mode): its CRD, ServiceAccount
 * and RBAC are applied, the operator is started from exactly the rendered Deployment's environment
 * (Downward API values filled in as the kubelet would), and it reconciles the chart's GPU example.
 * Every request it sends must be allowed by the Roles the chart created, read back from the server.
 */
class OperatorFromChartTest {

  static final String AGENT = "qwenops-operator-from-chart";
  static final String TEAM = "team-a";

  @Test
  void operatorConfiguredByTheChartReconcilesTheExampleWithinTheChartsRbac() throws Exception {
    Rendered chart = Chart.render(List.of(Chart.ciValues("ha-namespaced-values.yaml")), Map.of());
    Map<ServerRequest, Queue<ServerResponse>> expectations = new HashMap<>();
    KubernetesMockServer server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            expectations,
            new ApplyingCrudDispatcher(expectations),
            false);
    server.init();
    try (KubernetesClient admin = server.createClient()) {
      install(admin, chart);
      List<PolicyRule> leaseRules =
          admin
              .rbac()
              .roles()
              .inNamespace(Chart.NAMESPACE)
              .withName(Chart.RELEASE + "-operator-leader-election")
              .get()
              .getRules();
      // JOSDK asks what it may do with leases before electing: answer with the installed Role.
      server
          .expect()
          .post()
          .withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
          .andReturn(
              201,
              new SelfSubjectRulesReviewBuilder()
                  .withNewMetadata()
                  .endMetadata()
                  .withNewStatus()
                  .withIncomplete(false)
                  .withResourceRules(
                      leaseRules.stream()
                          .map(
                              r ->
                                  new ResourceRuleBuilder()
                                      .withApiGroups(r.getApiGroups())
                                      .withResources(r.getResources())
                                      .withVerbs(r.getVerbs())
                                      .build())
                          .toList())
                  .endStatus()
                  .build())
          .always();

      Deployment deployment = chart.deployment(Chart.RELEASE + "-operator");
      Container container = deployment.getSpec().getTemplate().getSpec().getContainers().getFirst();
      OperatorSettings settings = OperatorSettings.fromEnv(podEnv(container, "qwenops-operator-0"));
      assertThat(settings.leaderElection()).isTrue();
      assertThat(settings.watchNamespaces()).containsExactlyInAnyOrder("team-a", "team-b");
      assertThat(settings.leaseNamespace()).isEqualTo(Chart.NAMESPACE);

      KubernetesClient operatorClient =
          new KubernetesClientBuilder()
              .withConfig(new ConfigBuilder(admin.getConfiguration()).withUserAgent(AGENT).build())
              .build();
      Operator operator =
          QwenOperator.create(
              operatorClient,
              // Without the HTTP port (tests run several servers) and without exiting on a lost
              // lease.
              new OperatorSettings(
                  settings.watchNamespaces(),
                  settings.leaderElection(),
                  settings.leaseName(),
                  settings.leaseNamespace(),
                  settings.leaseIdentity(),
                  settings.leaseDuration(),
                  false,
                  0,
                  settings.reconcileThreads(),
                  settings.defaultImages()),
              new SimpleMeterRegistry(),
              new InvalidSpecBackoff(Duration.ofMillis(100), Duration.ofMillis(500)));
      operator.start();
      try {
        QwenDeployment example =
            Serialization.unmarshal(
                Files.readString(Chart.dir().resolve("examples/qwen-0.5b-gpu.yaml")),
                QwenDeployment.class);
        example.getMetadata().setNamespace(TEAM);
        admin.resource(example).create();
        Deployment inference =
            waitFor(
                () -> admin.apps().deployments().inNamespace(TEAM).withName("qwen-small").get());
        assertThat(inference.getSpec().getTemplate().getSpec().getContainers())
            .extracting(Container::getImage)
            .as("the chart's default images, which are the images this build produces")
            .containsExactly(BuildImages.INFERENCE, BuildImages.EXPORTER);
        assertThat(admin.services().inNamespace(TEAM).withName("qwen-small").get()).isNotNull();
        QwenDeployment reconciled =
            waitFor(
                () -> {
                  QwenDeployment qd =
                      admin
                          .resources(QwenDeployment.class)
                          .inNamespace(TEAM)
                          .withName("qwen-small")
                          .get();
                  return qd.getStatus() != null && qd.getStatus().getEndpoint() != null ? qd : null;
                });
        assertThat(reconciled.getStatus().getEndpoint())
            .isEqualTo("http://qwen-small.team-a.svc:8000/v1");
        assertThat(
                admin
                    .leases()
                    .inNamespace(Chart.NAMESPACE)
                    .withName(settings.leaseName())
                    .get()
                    .getSpec()
                    .getHolderIdentity())
            .isEqualTo("qwenops-operator-0");
      } finally {
        operator.stop();
        operatorClient.close();
      }

      RbacGrants grants = RbacGrants.of(admin, Chart.NAMESPACE, Chart.RELEASE + "-operator");
      Set<String> denied = new TreeSet<>();
      int checked = 0;
      RecordedRequest request;
      while ((request = server.takeRequest(1, TimeUnit.MILLISECONDS)) != null) {
        if (AGENT.equals(request.getHeader("User-Agent"))) {
          var call = ApiCall.parse(request.getMethod(), request.getPath());
          if (call.isPresent()) {
            checked++;
            if (!grants.allows(call.get())) {
              denied.add(call.get().toString());
            }
          }
        }
      }
      assertThat(checked).as("requests the operator sent").isGreaterThan(10);
      assertThat(denied).as("requests the chart's RBAC would refuse").isEmpty();
    } finally {
      server.destroy();
    }
  }

  /** What `helm install` would create, minus workloads: CRD, namespaces, ServiceAccounts, RBAC. */
  static void install(KubernetesClient admin, Rendered chart) throws IOException {
    admin
        .apiextensions()
        .v1()
        .customResourceDefinitions()
        .resource(
            Serialization.unmarshal(
                Files.readString(Chart.dir().resolve("crds/qwendeployments.qwenops.io-v1.yml")),
                CustomResourceDefinition.class))
        .create();
    for (String ns : List.of(Chart.NAMESPACE, "team-a", "team-b")) {
      admin
          .namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
          .create();
    }
    List<HasMetadata> rbac = new ArrayList<>();
    chart.all(ServiceAccount.class).forEach(rbac::add);
    chart.all(ClusterRole.class).forEach(rbac::add);
    chart.all(ClusterRoleBinding.class).forEach(rbac::add);
    chart.all(Role.class).forEach(rbac::add);
    chart.all(RoleBinding.class).forEach(rbac::add);
    for (HasMetadata o : rbac) {
      if (o.getMetadata().getNamespace() == null
          && !(o instanceof ClusterRole || o instanceof ClusterRoleBinding)) {
        o.getMetadata().setNamespace(Chart.NAMESPACE);
      }
      admin.resource(o).create();
    }
  }

  /** The container's environment as the kubelet gives it: literals and the Downward API fields. */
  static Map<String, String> podEnv(Container container, String podName) {
    Map<String, String> env = new LinkedHashMap<>();
    for (EnvVar var : container.getEnv()) {
      if (var.getValue() != null) {
        env.put(var.getName(), var.getValue());
      } else if (var.getValueFrom() != null && var.getValueFrom().getFieldRef() != null) {
        String field = var.getValueFrom().getFieldRef().getFieldPath();
        env.put(
            var.getName(),
            switch (field) {
              case "metadata.namespace" -> Chart.NAMESPACE;
              case "metadata.name" -> podName;
              default -> throw new IllegalArgumentException("no value for " + field);
            });
      }
    }
    return env;
  }

  static <T> T waitFor(java.util.function.Supplier<T> probe) throws InterruptedException {
    Instant deadline = Instant.now().plusSeconds(30);
    while (Instant.now().isBefore(deadline)) {
      T value = probe.get();
      if (value != null) {
        return value;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("not within 30 s");
  }
}
