package io.qwenops.operator.desired;

import static io.qwenops.operator.desired.DesiredStateTest.container;
import static io.qwenops.operator.desired.DesiredStateTest.qwen;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EnvFromSourceBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.qwenops.operator.crd.ModelCacheType;
import io.qwenops.operator.crd.QwenDeployment;
import io.qwenops.operator.crd.ReservedNames;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pod fields a user configures (env, labels, service account, GPU resource, storage). */
class UserPodFieldsTest {

  @Test
  void userEnvAndEnvFromReachBothContainersAfterTheOperatorsOwn() {
    QwenDeployment qd = qwen("hf://Qwen/Qwen2.5-0.5B-Instruct");
    qd.getSpec()
        .setEnv(
            List.of(
                new EnvVar("HTTPS_PROXY", "http://proxy.corp:3128", null),
                new EnvVar("HF_ENDPOINT", "https://hf-mirror.corp", null),
                new EnvVar("HF_HUB_OFFLINE", "1", null)));
    qd.getSpec()
        .setEnvFrom(
            List.of(new EnvFromSourceBuilder().withNewConfigMapRef("proxy", false).build()));
    qd.getSpec().getExporter().setEnv(List.of(new EnvVar("NO_PROXY", ".svc", null)));
    qd.getSpec()
        .getExporter()
        .setEnvFrom(
            List.of(new EnvFromSourceBuilder().withNewSecretRef("exporter-env", true).build()));

    Deployment d = DesiredDeployment.of(qd);
    var inference = container(d, "inference");
    List<String> names = inference.getEnv().stream().map(EnvVar::getName).toList();
    assertThat(names).containsSubsequence("QWENOPS_MODEL", "HTTPS_PROXY", "HF_HUB_OFFLINE");
    assertThat(names.getLast()).isEqualTo("HF_HUB_OFFLINE");
    assertThat(inference.getEnvFrom())
        .singleElement()
        .satisfies(e -> assertThat(e.getConfigMapRef().getName()).isEqualTo("proxy"));
    var exporter = container(d, "gpu-exporter");
    assertThat(exporter.getEnv()).extracting(EnvVar::getName).contains("NO_PROXY");
    assertThat(exporter.getEnv().getLast().getName()).isEqualTo("NO_PROXY");
    assertThat(exporter.getEnvFrom())
        .singleElement()
        .satisfies(e -> assertThat(e.getSecretRef().getName()).isEqualTo("exporter-env"));
  }

  @Test
  void everyVariableTheOperatorSetsIsReservedSoUserEnvCannotShadowIt() {
    QwenDeployment qd = qwen("hf://Qwen/Qwen2.5-0.5B-Instruct");
    qd.getSpec().getModel().setHfTokenSecretRef(io.qwenops.operator.it.Fixtures.ref("hf", null));
    qd.getSpec().setApiKeySecretRef(io.qwenops.operator.it.Fixtures.ref("key", null));
    qd.getSpec()
        .getExporter()
        .setTokenSecretRef(io.qwenops.operator.it.Fixtures.ref("exporter", null));
    Deployment d = DesiredDeployment.of(qd);
    assertThat(container(d, "inference").getEnv())
        .extracting(EnvVar::getName)
        .allMatch(ReservedNames::reservedInferenceEnv);
    assertThat(container(d, "gpu-exporter").getEnv())
        .extracting(EnvVar::getName)
        .allMatch(ReservedNames::reservedExporterEnv);
  }

  @Test
  void podLabelsAndAnnotationsGoOnThePodsButNeverIntoTheSelector() {
    QwenDeployment qd = qwen("hf://Qwen/Qwen2.5-0.5B-Instruct");
    qd.getSpec().setPodLabels(Map.of("team", "search", "app.kubernetes.io/version", "2.5"));
    qd.getSpec().setPodAnnotations(Map.of("prometheus.io/scrape", "true"));
    Deployment d = DesiredDeployment.of(qd);
    var template = d.getSpec().getTemplate().getMetadata();
    assertThat(template.getLabels())
        .containsEntry("team", "search")
        .containsEntry("app.kubernetes.io/version", "2.5")
        .containsEntry("app.kubernetes.io/managed-by", "qwenops-operator")
        .containsEntry("app.kubernetes.io/instance", "chat");
    assertThat(template.getAnnotations()).containsEntry("prometheus.io/scrape", "true");
    assertThat(d.getSpec().getSelector().getMatchLabels())
        .containsOnlyKeys("app.kubernetes.io/name", "app.kubernetes.io/instance");
  }

  @Test
  void operatorLabelsWinOverAReservedKeyThatSlippedPastValidation() {
    QwenDeployment qd = qwen("hf://Qwen/Qwen2.5-0.5B-Instruct");
    qd.getSpec().setPodLabels(Map.of("app.kubernetes.io/instance", "someone-else"));
    var labels = DesiredDeployment.of(qd).getSpec().getTemplate().getMetadata().getLabels();
    assertThat(labels).containsEntry("app.kubernetes.io/instance", "chat");
  }

  @Test
  void serviceAccountIsSetButItsTokenStillNotMounted() {
    QwenDeployment qd = qwen("hf://Qwen/Qwen2.5-0.5B-Instruct");
    assertThat(DesiredDeployment.of(qd).getSpec().getTemplate().getSpec().getServiceAccountName())
        .isNull();
    qd.getSpec().setServiceAccountName("model-reader");
    var pod = DesiredDeployment.of(qd).getSpec().getTemplate().getSpec();
    assertThat(pod.getServiceAccountName()).isEqualTo("model-reader");
    assertThat(pod.getAutomountServiceAccountToken()).isFalse();
  }

  @Test
  void gpusAreRequestedAsTheConfiguredResourceSuchAsAMigSlice() {
    QwenDeployment qd = qwen("hf://Qwen/Qwen2.5-0.5B-Instruct");
    qd.getSpec().getResources().setGpuResourceName("nvidia.com/mig-1g.10gb");
    qd.getSpec().getResources().setGpus(2);
    var resources = container(DesiredDeployment.of(qd), "inference").getResources();
    assertThat(resources.getRequests())
        .containsEntry("nvidia.com/mig-1g.10gb", new Quantity("2"))
        .doesNotContainKey("nvidia.com/gpu");
    assertThat(resources.getLimits()).containsEntry("nvidia.com/mig-1g.10gb", new Quantity("2"));
  }

  @Test
  void ephemeralStorageSetByTheUserReplacesTheEstimate() {
    QwenDeployment qd = qwen("hf://Qwen/Qwen2.5-0.5B-Instruct");
    qd.getSpec().getModelCache().setType(ModelCacheType.Managed);
    qd.getSpec().getModelCache().setSize(new Quantity("20Gi"));
    var before = container(DesiredDeployment.of(qd), "inference").getResources();
    assertThat(before.getRequests()).doesNotContainKey("ephemeral-storage");

    qd.getSpec().getResources().setEphemeralStorage(new Quantity("4Gi"));
    var after = container(DesiredDeployment.of(qd), "inference").getResources();
    assertThat(after.getRequests()).containsEntry("ephemeral-storage", new Quantity("4Gi"));
    assertThat(after.getLimits()).containsEntry("ephemeral-storage", new Quantity("4Gi"));
  }

  @Test
  void aCacheVolumeIsNotRelabelledFileByFileAtEveryStart() {
    var pod = DesiredDeployment.of(qwen("hf://Qwen/Qwen2.5-0.5B-Instruct")).getSpec();
    assertThat(pod.getTemplate().getSpec().getSecurityContext().getFsGroupChangePolicy())
        .isEqualTo("OnRootMismatch");
  }
}
