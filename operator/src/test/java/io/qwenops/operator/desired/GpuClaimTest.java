package io.qwenops.operator.desired;

import static io.qwenops.operator.desired.DesiredStateTest.container;
import static io.qwenops.operator.desired.DesiredStateTest.plainEnv;
import static io.qwenops.operator.desired.DesiredStateTest.qwen;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ResourceClaim;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.qwenops.operator.crd.GpuClaimSpec;
import io.qwenops.operator.crd.GpuVisibility;
import io.qwenops.operator.crd.QwenDeployment;
import org.junit.jupiter.api.Test;

/** GPUs through a DRA ResourceClaim, and how the sidecar gets to see them. */
class GpuClaimTest {

  static QwenDeployment withClaim() {
    QwenDeployment qd = qwen("hf://Qwen/Qwen2.5-0.5B-Instruct");
    GpuClaimSpec claim = new GpuClaimSpec();
    claim.setResourceClaimTemplateName("one-h100");
    qd.getSpec().getResources().setGpuClaim(claim);
    return qd;
  }

  @Test
  void bothContainersReferenceThePodsOneClaimAndTheSidecarGetsNoVisibleDevicesEnv() {
    Deployment d = DesiredDeployment.of(withClaim());
    var pod = d.getSpec().getTemplate().getSpec();
    assertThat(pod.getResourceClaims())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.getName()).isEqualTo("gpu");
              assertThat(c.getResourceClaimTemplateName()).isEqualTo("one-h100");
            });
    var inference = container(d, "inference").getResources();
    assertThat(inference.getClaims()).extracting(ResourceClaim::getName).containsExactly("gpu");
    assertThat(inference.getLimits())
        .as("the claim replaces the device plugin's count")
        .doesNotContainKey("nvidia.com/gpu");
    var exporter = container(d, "gpu-exporter");
    assertThat(exporter.getResources().getClaims())
        .extracting(ResourceClaim::getName)
        .containsExactly("gpu");
    assertThat(plainEnv(exporter))
        .doesNotContainKeys("NVIDIA_VISIBLE_DEVICES", "NVIDIA_DRIVER_CAPABILITIES");
  }

  @Test
  void envVisibilityKeepsTodaysWayEvenWithAClaim() {
    QwenDeployment qd = withClaim();
    qd.getSpec().getExporter().setGpuVisibility(GpuVisibility.Env);
    var exporter = container(DesiredDeployment.of(qd), "gpu-exporter");
    assertThat(exporter.getResources().getClaims()).isEmpty();
    assertThat(plainEnv(exporter)).containsEntry("NVIDIA_VISIBLE_DEVICES", "all");
  }

  @Test
  void withoutAClaimThePodHasNoResourceClaimsAndTheSidecarSeesDevicesByEnv() {
    Deployment d = DesiredDeployment.of(qwen("hf://Qwen/Qwen2.5-0.5B-Instruct"));
    assertThat(d.getSpec().getTemplate().getSpec().getResourceClaims()).isEmpty();
    assertThat(container(d, "inference").getResources().getClaims()).isEmpty();
    assertThat(plainEnv(container(d, "gpu-exporter")))
        .containsEntry("NVIDIA_VISIBLE_DEVICES", "all")
        .containsEntry("NVIDIA_DRIVER_CAPABILITIES", "utility");
  }

  @Test
  void aClaimAloneIsEnoughForTheRuntimeClassToApply() {
    QwenDeployment qd = withClaim();
    qd.getSpec().getResources().setGpus(0);
    qd.getSpec().setRuntimeClassName("nvidia");
    assertThat(DesiredDeployment.of(qd).getSpec().getTemplate().getSpec().getRuntimeClassName())
        .isEqualTo("nvidia");
  }
}
