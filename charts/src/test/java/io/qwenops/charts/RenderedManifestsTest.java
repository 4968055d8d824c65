package io.qwenops.charts;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.qwenops.operator.desired.DefaultImages;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The objects helm template renders, parsed into fabric8 types and checked field by field. */
class RenderedManifestsTest {

  static final String OPERATOR = Chart.RELEASE + "-operator";
  static final String CONSOLE = Chart.RELEASE + "-console";

  final Rendered defaults = Chart.renderDefaults();
  final Rendered ha = Chart.render(List.of(Chart.ciValues("ha-namespaced-values.yaml")), Map.of());

  static Map<String, String> env(Container container) {
    return container.getEnv().stream()
        .filter(e -> e.getValue() != null)
        .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
  }

  @Test
  void allNamespacesGetOneClusterRoleWithExactlyTheOperatorsRules() {
    ClusterRole role = defaults.one(ClusterRole.class, OPERATOR);
    assertThat(role.getRules()).isEqualTo(RbacFile.operator().clusterRules());
    ClusterRoleBinding binding = defaults.one(ClusterRoleBinding.class, OPERATOR);
    assertThat(binding.getRoleRef().getName()).isEqualTo(OPERATOR);
    assertThat(binding.getSubjects())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.getKind()).isEqualTo("ServiceAccount");
              assertThat(s.getName()).isEqualTo(OPERATOR);
              assertThat(s.getNamespace()).isEqualTo(Chart.NAMESPACE);
            });
    assertThat(defaults.all(Role.class).map(r -> r.getMetadata().getName()))
        .as("only the lease Role is namespaced")
        .containsExactly(OPERATOR + "-leader-election");
    Role lease = defaults.one(Role.class, Chart.NAMESPACE, OPERATOR + "-leader-election");
    assertThat(lease.getRules()).isEqualTo(RbacFile.operator().roleRules());
    assertThat(
            defaults
                .one(RoleBinding.class, Chart.NAMESPACE, OPERATOR + "-leader-election")
                .getSubjects())
        .extracting(s -> s.getName())
        .containsExactly(OPERATOR);
  }

  @Test
  void watchedNamespacesGetRolesAndTheClusterRoleKeepsOnlyClusterScopedRules() {
    List<PolicyRule> all = RbacFile.operator().clusterRules();
    List<PolicyRule> clusterScoped =
        all.stream().filter(r -> r.getApiGroups().contains("authorization.k8s.io")).toList();
    assertThat(clusterScoped).as("selfsubjectrulesreviews").isNotEmpty();
    assertThat(ha.one(ClusterRole.class, OPERATOR).getRules()).isEqualTo(clusterScoped);
    for (String ns : List.of("team-a", "team-b")) {
      Role role = ha.one(Role.class, ns, OPERATOR);
      assertThat(role.getRules())
          .as("every namespaced rule, in " + ns)
          .isEqualTo(all.stream().filter(r -> !clusterScoped.contains(r)).toList());
      assertThat(ha.one(RoleBinding.class, ns, OPERATOR).getSubjects())
          .extracting(s -> s.getNamespace() + "/" + s.getName())
          .containsExactly(Chart.NAMESPACE + "/" + OPERATOR);
    }
    assertThat(
            ha.all(Role.class)
                .filter(
                    r ->
                        r.getRules().stream()
                            .anyMatch(rule -> rule.getResources().contains("secrets")))
                .map(r -> r.getMetadata().getNamespace()))
        .as("Secrets are readable only in the watched namespaces (operator and console)")
        .containsOnly("team-a", "team-b");
    assertThat(ha.all(ClusterRole.class).flatMap(r -> r.getRules().stream()))
        .noneMatch(rule -> rule.getResources().contains("secrets"));
  }

  @Test
  void consoleGetsTheConsolesReadOnlyRules() {
    RbacFile console = RbacFile.console();
    assertThat(defaults.one(ClusterRole.class, CONSOLE).getRules())
        .isEqualTo(console.clusterRules());
    assertThat(console.clusterRules())
        .flatExtracting(PolicyRule::getVerbs)
        .as("read-only, plus the two reviews")
        .containsOnly("get", "list", "watch", "create");
    assertThat(console.clusterRules().stream().filter(r -> r.getVerbs().contains("create")))
        .flatExtracting(PolicyRule::getResources)
        .containsExactlyInAnyOrder("tokenreviews", "subjectaccessreviews");
  }

  @Test
  void noRuleUsesAWildcard() {
    for (Rendered r : List.of(defaults, ha)) {
      assertThat(
              java.util.stream.Stream.concat(
                  r.all(ClusterRole.class).flatMap(c -> c.getRules().stream()),
                  r.all(Role.class).flatMap(c -> c.getRules().stream())))
          .allSatisfy(
              rule -> {
                assertThat(rule.getVerbs()).doesNotContain("*");
                assertThat(rule.getResources()).doesNotContain("*");
                assertThat(rule.getApiGroups()).doesNotContain("*");
              });
    }
  }

  @Test
  void aggregatedRolesFoldIntoTheBuiltInRoles() {
    ClusterRole edit = defaults.one(ClusterRole.class, Chart.RELEASE + "-edit");
    assertThat(edit.getMetadata().getLabels())
        .containsEntry("rbac.authorization.k8s.io/aggregate-to-edit", "true")
        .containsEntry("rbac.authorization.k8s.io/aggregate-to-admin", "true");
    assertThat(edit.getRules().getFirst().getVerbs()).contains("create", "patch", "delete");
    ClusterRole view = defaults.one(ClusterRole.class, Chart.RELEASE + "-view");
    assertThat(view.getMetadata().getLabels())
        .containsEntry("rbac.authorization.k8s.io/aggregate-to-view", "true");
    assertThat(view.getRules())
        .flatExtracting(PolicyRule::getVerbs)
        .containsOnly("get", "list", "watch");
  }

  @Test
  void everyPodIsLockedDown() {
    for (Rendered r : List.of(defaults, ha)) {
      assertThat(r.podSpecs().count()).as("operator and console pods").isEqualTo(2);
      for (PodSpec pod : r.podSpecs().toList()) {
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(65532L);
        assertThat(pod.getSecurityContext().getSeccompProfile().getType())
            .isEqualTo("RuntimeDefault");
        for (Container c : pod.getContainers()) {
          var sc = c.getSecurityContext();
          assertThat(sc.getReadOnlyRootFilesystem()).as(c.getName()).isTrue();
          assertThat(sc.getAllowPrivilegeEscalation()).as(c.getName()).isFalse();
          assertThat(sc.getPrivileged()).as(c.getName()).isFalse();
          assertThat(sc.getCapabilities().getDrop()).as(c.getName()).containsExactly("ALL");
          assertThat(c.getResources().getLimits()).as(c.getName()).containsKey("memory");
        }
      }
    }
  }

  @Test
  void operatorAndConsoleRunTheBuildsOperatorImage() {
    String image =
        System.getProperty("qwenops.image.registry")
            + "/operator:"
            + System.getProperty("qwenops.image.tag");
    assertThat(defaults.deployment(OPERATOR).getSpec().getTemplate().getSpec().getContainers())
        .extracting(Container::getImage)
        .containsExactly(image);
    Container console =
        defaults.deployment(CONSOLE).getSpec().getTemplate().getSpec().getContainers().getFirst();
    assertThat(console.getImage()).isEqualTo(image);
    assertThat(console.getArgs())
        .containsExactly("console", "--port=8090", "--bind=0.0.0.0", "--access=token");
    Rendered mirror = Chart.render(List.of(Chart.ciValues("airgapped-values.yaml")), Map.of());
    assertThat(mirror.containers().map(Container::getImage))
        .allMatch(i -> i.startsWith("registry.internal.example/"));
    assertThat(mirror.deployment(OPERATOR).getSpec().getTemplate().getSpec().getImagePullSecrets())
        .extracting(s -> s.getName())
        .containsExactly("mirror-pull");
  }

  @Test
  void theOperatorsDefaultImagesFollowTheChartsRegistryAndTagSoAnUpgradeMovesThem() {
    String registry = System.getProperty("qwenops.image.registry");
    String tag = System.getProperty("qwenops.image.tag");
    Container operator =
        defaults.deployment(OPERATOR).getSpec().getTemplate().getSpec().getContainers().getFirst();
    DefaultImages chartDefaults = DefaultImages.fromEnv(env(operator));
    assertThat(chartDefaults)
        .as("the chart's defaults are this build's images")
        .isEqualTo(DefaultImages.BUILD)
        .isEqualTo(
            new DefaultImages(
                registry + "/inference-pod:" + tag, registry + "/gpu-exporter:" + tag));

    Rendered upgraded =
        Chart.render(
            List.of(), Map.of("image.registry", "mirror.local/qwenops", "image.tag", "9.9.9"));
    assertThat(
            env(
                upgraded
                    .deployment(OPERATOR)
                    .getSpec()
                    .getTemplate()
                    .getSpec()
                    .getContainers()
                    .getFirst()))
        .containsEntry(
            "QWENOPS_DEFAULT_INFERENCE_IMAGE", "mirror.local/qwenops/inference-pod:9.9.9")
        .containsEntry("QWENOPS_DEFAULT_EXPORTER_IMAGE", "mirror.local/qwenops/gpu-exporter:9.9.9");
  }

  @Test
  void leaderElectionIsOnExactlyWhenThereIsMoreThanOneReplica() {
    Container one =
        defaults.deployment(OPERATOR).getSpec().getTemplate().getSpec().getContainers().getFirst();
    assertThat(env(one))
        .containsEntry("QWENOPS_LEADER_ELECTION", "false")
        .containsEntry("QWENOPS_WATCH_NAMESPACES", "");
    Deployment two = ha.deployment(OPERATOR);
    assertThat(two.getSpec().getReplicas()).isEqualTo(2);
    assertThat(env(two.getSpec().getTemplate().getSpec().getContainers().getFirst()))
        .containsEntry("QWENOPS_LEADER_ELECTION", "true")
        .containsEntry("QWENOPS_WATCH_NAMESPACES", "team-a,team-b")
        .containsEntry("QWENOPS_LEASE_SECONDS", "10");
  }

  @Test
  void everyObjectCarriesTheChartsLabels() {
    for (HasMetadata o : ha.objects()) {
      if (o instanceof CustomResourceDefinition) {
        continue;
      }
      assertThat(o.getMetadata().getLabels())
          .as(o.getKind() + " " + o.getMetadata().getName())
          .containsEntry("app.kubernetes.io/instance", Chart.RELEASE)
          .containsEntry("app.kubernetes.io/part-of", "qwenops")
          .containsEntry("app.kubernetes.io/managed-by", "Helm")
          .containsEntry("team", "ml-platform")
          .containsKey("helm.sh/chart");
    }
    Deployment operator = defaults.deployment(OPERATOR);
    assertThat(operator.getSpec().getTemplate().getMetadata().getLabels())
        .containsAllEntriesOf(operator.getSpec().getSelector().getMatchLabels());
  }

  @Test
  void theConsoleTokenIsMountedAsAFileAndIsNoPartOfTheReleaseManifest() {
    // The token Secret is a pre-install hook (made once, kept by upgrades): hooks are not in the
    // release manifest that helm template returns here.
    assertThat(defaults.all(Secret.class)).isEmpty();
    assertThat(defaults.yaml()).doesNotContain("kind: Secret");
    PodSpec pod = defaults.deployment(CONSOLE).getSpec().getTemplate().getSpec();
    assertThat(env(pod.getContainers().getFirst()))
        .containsEntry("QWENOPS_CONSOLE_TOKEN_FILE", "/var/run/qwenops/console-token/token");
    assertThat(pod.getVolumes())
        .anyMatch(
            v -> v.getSecret() != null && v.getSecret().getSecretName().equals(CONSOLE + "-token"));
    assertThat(defaults.deployment(CONSOLE).getSpec().getTemplate().getMetadata().getAnnotations())
        .containsKey("checksum/access");
    assertThat(ha.all(Secret.class)).as("kubernetes access needs no token").isEmpty();
    assertThat(
            ha.deployment(CONSOLE)
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .getFirst()
                .getArgs())
        .contains("--access=kubernetes", "--watch-namespaces=team-a,team-b");
    assertThat(ha.one(Ingress.class, CONSOLE).getSpec().getRules().getFirst().getHost())
        .isEqualTo("qwenops.team.example");
  }

  @Test
  void monitoringRendersMonitorsAndBothDashboards() {
    assertThat(defaults.ofKind("PodMonitor")).isEmpty();
    GenericKubernetesResource pods =
        (GenericKubernetesResource) ha.ofKind("PodMonitor").findFirst().orElseThrow();
    assertThat(Serialization.asYaml(pods.getAdditionalProperties().get("spec")))
        .contains(
            "port: \"openai\"",
            "port: \"telemetry\"",
            "app.kubernetes.io/name: \"qwen-inference\"",
            "- \"team-a\"");
    assertThat(ha.ofKind("ServiceMonitor")).hasSize(1);
    List<String> dashboards =
        ha.all(io.fabric8.kubernetes.api.model.ConfigMap.class)
            .flatMap(c -> c.getData().values().stream())
            .toList();
    assertThat(dashboards).hasSize(2);
    assertThat(dashboards).anyMatch(d -> d.contains("vllm:time_to_first_token_seconds_bucket"));
    assertThat(dashboards).anyMatch(d -> d.contains("DCGM_FI_DEV_GPU_UTIL"));
  }
}
