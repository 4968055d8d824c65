package io.qwenops.operator.console.deployments;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What the gateway knows of the deployments: from the cluster's informers, or, in static mode, the
 * one local deployment. Reads are from memory; {@link #version()} grows on every change.
 */
public interface DeploymentSource extends AutoCloseable {

  /** Every deployment, sorted by namespace then name. */
  List<ConsoleDeployment> deployments();

  default Optional<ConsoleDeployment> find(String namespace, String name) {
    return deployments().stream()
        .filter(d -> d.namespace().equals(namespace) && d.name().equals(name))
        .findFirst();
  }

  /** The pod's deployment and target, when some deployment owns a pod of that name. */
  default Optional<ConsoleDeployment> ownerOf(String namespace, String pod) {
    return deployments().stream()
        .filter(d -> d.namespace().equals(namespace))
        .filter(d -> d.pods().stream().anyMatch(p -> p.pod().equals(pod)))
        .findFirst();
  }

  /** The API key the deployment's pods expect, when it has one. */
  Optional<String> apiKey(ConsoleDeployment deployment);

  long version();

  /**
   * Blocks until {@link #version()} differs from {@code seen} or the timeout passes; returns the
   * version then.
   */
  long awaitChange(long seen, Duration timeout) throws InterruptedException;

  @Override
  void close();
}
