package io.qwenops.operator.desired;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.qwenops.operator.crd.QwenDeployment;
import io.qwenops.operator.crd.ServiceSpec;
import io.qwenops.operator.naming.Names;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * The Service in front of the inference pods: openai, and telemetry only when the sidecar runs and
 * {@code exporter.publishOnService} asks for it (the operator reaches sidecars by pod IP).
 */
public final class DesiredService {

  private DesiredService() {}

  public static Service of(QwenDeployment qd) {
    ServiceSpec service = qd.getSpec().getService();
    List<ServicePort> ports = new ArrayList<>();
    ports.add(port(PodContract.OPENAI_PORT_NAME, service.getPort(), PodContract.OPENAI_PORT_NAME));
    var exporter = qd.getSpec().getExporter();
    if (exporter.getEnabled() && Boolean.TRUE.equals(exporter.getPublishOnService())) {
      ports.add(
          port(
              PodContract.TELEMETRY_PORT_NAME,
              PodContract.TELEMETRY_PORT,
              PodContract.TELEMETRY_PORT_NAME));
    }
    return new ServiceBuilder()
        .withNewMetadata()
        .withName(Names.service(qd))
        .withNamespace(qd.getMetadata().getNamespace())
        .withLabels(Names.labels(qd))
        .withAnnotations(
            service.getAnnotations() == null
                ? new LinkedHashMap<>()
                : new LinkedHashMap<>(service.getAnnotations()))
        .endMetadata()
        .withNewSpec()
        .withType(service.getType())
        .withSelector(Names.selectorLabels(qd))
        .withPorts(ports)
        .endSpec()
        .build();
  }

  private static ServicePort port(String name, int port, String targetPortName) {
    return new ServicePortBuilder()
        .withName(name)
        .withPort(port)
        .withTargetPort(new IntOrString(targetPortName))
        .withProtocol("TCP")
        .build();
  }
}
