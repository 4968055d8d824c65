package io.qwenops.operator.console.deployments;

import java.util.List;

/** One QwenDeployment as the console shows it: the {@code Deployment} of docs/console.md. */
public record DeploymentView(
    String namespace,
    String name,
    String model,
    String servedModelName,
    Replicas replicas,
    Integer gpusPerReplica,
    String ready,
    String endpoint,
    Long observedGeneration,
    Long generation,
    List<ConditionView> conditions,
    List<PodView> pods,
    boolean exporter,
    String notice) {

  public record Replicas(int desired, int ready) {}

  public record ConditionView(
      String type, String status, String reason, String message, String lastTransitionTime) {}

  public record PodView(
      String name,
      String node,
      String phase,
      boolean ready,
      int restarts,
      List<String> gpuUuids,
      List<PodConditionView> conditions) {}

  public record PodConditionView(String type, String status, String reason, String message) {}
}
