package io.qwenops.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.qwenops.operator.crd.AutoscalingSpec;
import io.qwenops.operator.crd.GpuVisibility;
import io.qwenops.operator.crd.QwenDeployment;
import io.qwenops.operator.it.Fixtures;
import io.qwenops.operator.status.SpecProblem;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Bad values in the user-configured pod fields stop the rollout with a reason that says why. */
class UserPodFieldsValidationTest {

  final SpecValidator validator =
      new SpecValidator(
          new ClusterLookup() {
            @Override
            public boolean secretExists(String namespace, String name) {
              return true;
            }

            @Override
            public Optional<Secret> secret(String namespace, String name) {
              return Optional.empty();
            }

            @Override
            public boolean claimExists(String namespace, String name) {
              return true;
            }
          });

  static QwenDeployment qwen() {
    return Fixtures.qwen("ml", "chat", "hf://Qwen/Qwen2.5-7B-Instruct", 1);
  }

  Optional<SpecProblem> problem(QwenDeployment qd) {
    return validator.validate(qd);
  }

  @Test
  void userEnvNamingAnOperatorVariableIsRefusedWithAHint() {
    QwenDeployment qd = qwen();
    qd.getSpec()
        .setEnv(
            List.of(
                new EnvVar("HTTPS_PROXY", "http://proxy:3128", null),
                new EnvVar("HF_TOKEN", "hf_x", null)));
    SpecProblem p = problem(qd).orElseThrow();
    assertThat(p.reason()).isEqualTo("ReservedEnvVar");
    assertThat(p.message()).contains("env sets HF_TOKEN").contains("model.hfTokenSecretRef");

    qd.getSpec().setEnv(List.of(new EnvVar("QWENOPS_MAX_NUM_SEQS", "8", null)));
    assertThat(problem(qd).orElseThrow().message()).contains("QWENOPS_MAX_NUM_SEQS");

    qd.getSpec().setEnv(List.of(new EnvVar("HF_ENDPOINT", "https://mirror", null)));
    assertThat(problem(qd)).isEmpty();
  }

  @Test
  void exporterEnvMayNotChooseItsOwnDevices() {
    QwenDeployment qd = qwen();
    qd.getSpec().getExporter().setEnv(List.of(new EnvVar("NVIDIA_VISIBLE_DEVICES", "0", null)));
    SpecProblem p = problem(qd).orElseThrow();
    assertThat(p.reason()).isEqualTo("ReservedEnvVar");
    assertThat(p.message()).contains("exporter.env").contains("exporter.gpuVisibility");
  }

  @Test
  void podLabelsMayNotTakeTheOperatorsSelectorLabelsAndMustBeLabelValues() {
    QwenDeployment qd = qwen();
    qd.getSpec().setPodLabels(Map.of("app.kubernetes.io/managed-by", "helm"));
    assertThat(problem(qd).map(SpecProblem::reason)).contains("ReservedPodLabel");
    qd.getSpec().setPodLabels(Map.of("team", "search engine"));
    assertThat(problem(qd).map(SpecProblem::reason)).contains("InvalidPodLabel");
    qd.getSpec().setPodLabels(Map.of("team", "search"));
    qd.getSpec().setPodAnnotations(Map.of("qwenops.io/gpu-uuids", "GPU-1"));
    assertThat(problem(qd).map(SpecProblem::reason)).contains("ReservedPodAnnotation");
  }

  @Test
  void gpuResourceNameMustBeAnExtendedResource() {
    QwenDeployment qd = qwen();
    for (String good : List.of("nvidia.com/gpu", "nvidia.com/mig-1g.10gb", "amd.com/gpu")) {
      qd.getSpec().getResources().setGpuResourceName(good);
      assertThat(problem(qd)).as(good).isEmpty();
    }
    for (String bad : List.of("gpu", "kubernetes.io/gpu", "nvidia.com/", "Nvidia.com/gpu")) {
      qd.getSpec().getResources().setGpuResourceName(bad);
      assertThat(problem(qd).map(SpecProblem::reason)).as(bad).contains("InvalidGpuResourceName");
    }
  }

  @Test
  void claimVisibilityNeedsAClaim() {
    QwenDeployment qd = qwen();
    qd.getSpec().getExporter().setGpuVisibility(GpuVisibility.ResourceClaim);
    assertThat(problem(qd).map(SpecProblem::reason)).contains("InvalidGpuVisibility");
  }

  @Test
  void autoscalingBoundsMustBeOrdered() {
    QwenDeployment qd = qwen();
    AutoscalingSpec autoscaling = new AutoscalingSpec();
    autoscaling.setMinReplicas(4);
    autoscaling.setMaxReplicas(2);
    qd.getSpec().setAutoscaling(autoscaling);
    assertThat(problem(qd).map(SpecProblem::reason)).contains("InvalidAutoscaling");
    autoscaling.setMaxReplicas(4);
    assertThat(problem(qd)).isEmpty();
  }

  @Test
  void ephemeralStorageBelowTheEmptyDirCacheWouldEvictThePodMidDownload() {
    QwenDeployment qd = qwen();
    // Qwen2.5-7B: an 17Gi emptyDir, so 18Gi with scratch.
    qd.getSpec().getResources().setEphemeralStorage(new Quantity("10Gi"));
    SpecProblem p = problem(qd).orElseThrow();
    assertThat(p.reason()).isEqualTo("EphemeralStorageTooSmall");
    assertThat(p.message()).contains("10Gi").contains("18432Mi");
    qd.getSpec().getResources().setEphemeralStorage(new Quantity("20Gi"));
    assertThat(problem(qd)).isEmpty();
  }

  @Test
  void serviceAccountNameMustBeAName() {
    QwenDeployment qd = qwen();
    qd.getSpec().setServiceAccountName("Model_Reader");
    assertThat(problem(qd).map(SpecProblem::reason)).contains("InvalidServiceAccountName");
  }
}
