package io.qwenops.operator.podhttp;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.net.URI;
import org.junit.jupiter.api.Test;

class PodEndpointTest {

  private static Pod pod(String ip, Integer declaredPort) {
    PodBuilder pod =
        new PodBuilder().withNewMetadata().withName("p").endMetadata().withNewStatus().endStatus();
    pod.editStatus().withPodIP(ip).endStatus();
    var container = pod.withNewSpec().addNewContainer().withName("gpu-exporter");
    if (declaredPort != null) {
      container.addNewPort().withName("telemetry").withContainerPort(declaredPort).endPort();
    }
    return container.endContainer().endSpec().build();
  }

  private static URI telemetry(Pod pod) {
    return PodEndpoint.of(pod, "gpu-exporter", "telemetry", 9400, "ws", "/ws/gpu").orElse(null);
  }

  @Test
  void usesThePortTheContainerDeclaresUnderItsName() {
    assertThat(telemetry(pod("10.0.0.7", 9555))).hasToString("ws://10.0.0.7:9555/ws/gpu");
  }

  @Test
  void fallsBackToTheContractPortWhenNoneIsDeclared() {
    assertThat(telemetry(pod("10.0.0.7", null))).hasToString("ws://10.0.0.7:9400/ws/gpu");
  }

  @Test
  void bracketsAnIpv6Address() {
    assertThat(telemetry(pod("fd00::7", null))).hasToString("ws://[fd00::7]:9400/ws/gpu");
  }

  @Test
  void noIpOrNoSuchContainerMeansNowhereToAsk() {
    assertThat(telemetry(pod(null, 9400))).isNull();
    assertThat(PodEndpoint.of(pod("10.0.0.7", 9400), "inference", "openai", 8000, "http", "/"))
        .isEmpty();
  }
}
