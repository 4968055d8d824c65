package io.qwenops.operator.podhttp;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Pod;
import java.net.URI;
import java.util.Optional;

/**
 * Where one container of a pod answers: the pod's IP and the port the container itself declares
 * under its contract name (the contract's default when it declares none). Every place that talks to
 * our pods (GPU lookup, download progress, the console) asks here, so they agree on IPv6 and ports.
 */
public final class PodEndpoint {

  private PodEndpoint() {}

  /**
   * {@code scheme://ip:port path} of {@code container} in {@code pod}, or empty when the pod has no
   * IP yet or no such container.
   */
  public static Optional<URI> of(
      Pod pod, String container, String portName, int defaultPort, String scheme, String path) {
    String ip = pod.getStatus() == null ? null : pod.getStatus().getPodIP();
    if (ip == null || ip.isBlank() || pod.getSpec() == null) {
      return Optional.empty();
    }
    Optional<Container> found =
        pod.getSpec().getContainers().stream()
            .filter(c -> container.equals(c.getName()))
            .findFirst();
    if (found.isEmpty()) {
      return Optional.empty();
    }
    int port =
        found.get().getPorts() == null
            ? defaultPort
            : found.get().getPorts().stream()
                .filter(p -> portName.equals(p.getName()))
                .map(ContainerPort::getContainerPort)
                .filter(p -> p != null && p > 0)
                .findFirst()
                .orElse(defaultPort);
    String host = ip.contains(":") ? "[" + ip + "]" : ip;
    return Optional.of(URI.create(scheme + "://" + host + ":" + port + path));
  }
}
