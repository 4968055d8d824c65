package io.qwenops.operator.console.testing;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.qwenops.operator.crd.ModelSpec;
import io.qwenops.operator.crd.QwenDeployment;
import io.qwenops.operator.crd.QwenDeploymentSpec;
import io.qwenops.operator.desired.PodContract;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/** QwenDeployments and their pods as the operator and the kubelet would leave them. */
public final class ClusterFixtures {

  private ClusterFixtures() {}

  public static QwenDeployment qwen(String namespace, String name, int replicas) {
    QwenDeployment qd = new QwenDeployment();
    qd.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
    QwenDeploymentSpec spec = new QwenDeploymentSpec();
    ModelSpec model = new ModelSpec();
    model.setSource("hf://Qwen/Qwen2.5-0.5B-Instruct");
    spec.setModel(model);
    spec.setReplicas(replicas);
    qd.setSpec(spec);
    return qd;
  }

  /** A running pod of {@code deployment} on {@code node}, ready or not. */
  public static Pod pod(
      String namespace, String deployment, String name, String node, boolean ready) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(namespace)
        .withLabels(
            Map.of(
                "app.kubernetes.io/name",
                "qwen-inference",
                "app.kubernetes.io/instance",
                deployment))
        .endMetadata()
        .withNewSpec()
        .withNodeName(node)
        .addNewContainer()
        .withName(PodContract.INFERENCE_CONTAINER)
        .addNewPort()
        .withName(PodContract.OPENAI_PORT_NAME)
        .withContainerPort(PodContract.OPENAI_PORT)
        .endPort()
        .endContainer()
        .addNewContainer()
        .withName(PodContract.EXPORTER_CONTAINER)
        .addNewPort()
        .withName(PodContract.TELEMETRY_PORT_NAME)
        .withContainerPort(PodContract.TELEMETRY_PORT)
        .endPort()
        .endContainer()
        .endSpec()
        .withNewStatus()
        .withPhase("Running")
        .withPodIP("127.0.0.1")
        .addNewCondition()
        .withType("Ready")
        .withStatus(ready ? "True" : "False")
        .withReason(ready ? null : "ContainersNotReady")
        .endCondition()
        .addNewContainerStatus()
        .withName("inference")
        .withRestartCount(1)
        .endContainerStatus()
        .endStatus()
        .build();
  }

  public static Secret secret(String namespace, String name, String key, String value) {
    return new SecretBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(namespace)
        .endMetadata()
        .withData(
            Map.of(key, Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8))))
        .build();
  }
}
