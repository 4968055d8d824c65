package io.qwenops.operator.desired;

import static io.qwenops.operator.desired.DesiredStateTest.container;
import static io.qwenops.operator.desired.DesiredStateTest.qwen;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.qwenops.operator.crd.QwenDeployment;
import org.junit.jupiter.api.Test;

/** Defaults that work on GKE/EKS/AKS as they come, and a cache that cannot fill the node's disk. */
class ManagedClusterDefaultsTest {

  static Volume cacheVolume(Deployment d) {
    return d.getSpec().getTemplate().getSpec().getVolumes().stream()
        .filter(v -> v.getName().equals("model-cache"))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void noRuntimeClassIsForcedUnlessOneIsSet() {
    QwenDeployment qd = qwen("hf://Qwen/Qwen2.5-0.5B-Instruct");
    assertThat(DesiredDeployment.of(qd).getSpec().getTemplate().getSpec().getRuntimeClassName())
        .as("managed clusters without the GPU Operator define no 'nvidia' RuntimeClass")
        .isNull();
    qd.getSpec().setRuntimeClassName("nvidia");
    assertThat(DesiredDeployment.of(qd).getSpec().getTemplate().getSpec().getRuntimeClassName())
        .isEqualTo("nvidia");
  }

  @Test
  void anEmptyDirCacheIsSizedFromTheModelAndRequestedAsEphemeralStorage() {
    Deployment d = DesiredDeployment.of(qwen("hf://Qwen/Qwen2.5-7B-Instruct"));
    // 7e9 parameters × 2 bytes × 1.25 = 16.3 GiB, rounded up.
    assertThat(cacheVolume(d).getEmptyDir().getSizeLimit()).isEqualTo(new Quantity("17Gi"));
    var resources = container(d, "inference").getResources();
    assertThat(resources.getRequests()).containsEntry("ephemeral-storage", new Quantity("18432Mi"));
    assertThat(resources.getLimits()).containsEntry("ephemeral-storage", new Quantity("18432Mi"));
  }

  @Test
  void anExplicitSizeWinsOverTheEstimate() {
    QwenDeployment qd = qwen("hf://Qwen/Qwen2.5-0.5B-Instruct");
    qd.getSpec().getModelCache().setSize(new Quantity("5Gi"));
    Deployment d = DesiredDeployment.of(qd);
    assertThat(cacheVolume(d).getEmptyDir().getSizeLimit()).isEqualTo(new Quantity("5Gi"));
    assertThat(container(d, "inference").getResources().getRequests())
        .containsEntry("ephemeral-storage", new Quantity("6144Mi"));
  }

  @Test
  void smallAndFractionalModelsAreEstimatedToo() {
    assertThat(ModelCacheSize.estimateGib("Qwen/Qwen2.5-0.5B-Instruct")).hasValue(2L);
    assertThat(ModelCacheSize.estimateGib("Qwen/Qwen2.5-72B-Instruct")).hasValue(168L);
    assertThat(ModelCacheSize.estimateGib("someone/my-finetune")).isEmpty();
  }
}
