package io.qwenops.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.qwenops.operator.crd.PodSummary;
import io.qwenops.operator.crd.QwenDeployment;
import io.qwenops.operator.crd.QwenDeploymentStatus;
import io.qwenops.operator.naming.Names;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds a QwenDeployment's status from what the cluster shows: its Deployment, its pods, and any
 * problem with the spec. Pure: callers pass in everything, including the time.
 */
public final class StatusAggregator {

  private final QwenDeployment qd;
  private final List<String> errors = new ArrayList<>();
  private final List<String> errorReasons = new ArrayList<>();
  private final List<String> waiting = new ArrayList<>();
  private final List<PodSummary> pods = new ArrayList<>();
  private final Map<String, ModelDownload> downloads = new java.util.TreeMap<>();
  private Deployment deployment;
  private SpecProblem specProblem;
  private final List<SpecProblem> warnings = new ArrayList<>();
  private int readyReplicas;
  private int existingReplicas;

  public StatusAggregator(QwenDeployment qd) {
    this.qd = qd;
  }

  public StatusAggregator specProblem(SpecProblem problem) {
    this.specProblem = problem;
    return this;
  }

  /** Pitfalls in a spec that still rolls out: the SpecWarning condition. */
  public StatusAggregator warnings(List<SpecProblem> found) {
    warnings.addAll(found);
    return this;
  }

  public StatusAggregator deployment(Optional<Deployment> deployment) {
    this.deployment = deployment.orElse(null);
    if (this.deployment != null && this.deployment.getStatus() != null) {
      List<DeploymentCondition> conditions = this.deployment.getStatus().getConditions();
      if (conditions != null) {
        for (DeploymentCondition condition : conditions) {
          if ("Progressing".equals(condition.getType())
              && "ProgressDeadlineExceeded".equals(condition.getReason())) {
            error("ProgressDeadlineExceeded", "rollout stalled: " + condition.getMessage());
          }
          if ("ReplicaFailure".equals(condition.getType())
              && "True".equals(condition.getStatus())) {
            error("ReplicaFailure", "pods cannot be created: " + condition.getMessage());
          }
        }
      }
    }
    return this;
  }

  public StatusAggregator pods(Iterable<Pod> observed) {
    return pods(observed, Map.of());
  }

  /** The pods, with the GPU UUIDs their exporters reported (pod name → UUIDs). */
  public StatusAggregator pods(Iterable<Pod> observed, Map<String, List<String>> gpuUuidsByPod) {
    return pods(observed, gpuUuidsByPod, Map.of());
  }

  /**
   * As above, with the volumes pods cannot attach or mount, from their Events (pod name → what is
   * wrong): a pod with nothing worse to report says that, as its condition reason.
   */
  public StatusAggregator pods(
      Iterable<Pod> observed,
      Map<String, List<String>> gpuUuidsByPod,
      Map<String, VolumeTrouble> volumesByPod) {
    List<Pod> sorted = new ArrayList<>();
    observed.forEach(sorted::add);
    sorted.sort(Comparator.comparing(p -> p.getMetadata().getName()));
    for (Pod pod : sorted) {
      if (PodHealth.isTerminating(pod)) {
        continue;
      }
      existingReplicas++;
      pods.add(PodHealth.summary(pod, gpuUuidsByPod.get(pod.getMetadata().getName())));
      if (PodHealth.isReady(pod)) {
        readyReplicas++;
      } else {
        String name = pod.getMetadata().getName();
        PodHealth.problem(pod)
            .or(
                () ->
                    Optional.ofNullable(volumesByPod.get(name))
                        .map(v -> new PodHealth.Problem(v.reason(), v.describe(name))))
            .ifPresentOrElse(
                p -> error(p.reason(), p.message()),
                () -> waiting.add(name + " (" + PodHealth.waitingFor(pod) + ")"));
      }
    }
    return this;
  }

  /** Pods downloading their model (pod name → progress), as their inference containers say. */
  public StatusAggregator downloads(Map<String, ModelDownload> byPod) {
    downloads.putAll(byPod);
    return this;
  }

  /** Status with conditions merged against {@code previous}; lastTransitionTime is kept. */
  public QwenDeploymentStatus build(QwenDeploymentStatus previous, Instant now) {
    int desired = qd.getSpec().getReplicas() == null ? 1 : qd.getSpec().getReplicas();
    long generation =
        qd.getMetadata().getGeneration() == null ? 0 : qd.getMetadata().getGeneration();
    QwenDeploymentStatus status = new QwenDeploymentStatus();
    status.setObservedGeneration(generation);
    status.setReplicas(existingReplicas);
    status.setReadyReplicas(readyReplicas);
    status.setReady(readyReplicas + "/" + desired);
    status.setEndpoint(Names.endpoint(qd));
    status.setSelector(Names.selector(qd));
    status.setPods(pods);
    slowestDownload().ifPresent(d -> status.setDownload(d.progress()));

    List<Condition> next = new ArrayList<>();
    if (specProblem != null) {
      next.add(condition(ConditionTypes.READY, false, specProblem.reason(), specProblem.message()));
      next.add(
          condition(
              ConditionTypes.PROGRESSING,
              false,
              specProblem.reason(),
              "nothing rolls out until the spec is fixed"));
      next.add(
          condition(ConditionTypes.DEGRADED, true, specProblem.reason(), specProblem.message()));
    } else {
      next.add(readyCondition(desired));
      next.add(progressingCondition(desired));
      next.add(degradedCondition());
    }
    next.add(downloadingCondition());
    next.add(warningCondition());
    List<Condition> before = previous == null ? null : previous.getConditions();
    status.setConditions(ConditionMerger.merge(before, next, generation, now));
    return status;
  }

  /**
   * The previous status with only Degraded set (to True, with this reason): for failures that say
   * nothing about the pods, such as an API error while reconciling.
   */
  public static QwenDeploymentStatus degradedOnly(
      QwenDeployment qd,
      QwenDeploymentStatus previous,
      String reason,
      String message,
      Instant now) {
    QwenDeploymentStatus status =
        previous == null ? new QwenDeploymentStatus() : Serialization.clone(previous);
    if (status.getEndpoint() == null) {
      status.setEndpoint(Names.endpoint(qd));
      status.setSelector(Names.selector(qd));
    }
    List<Condition> before = status.getConditions() == null ? List.of() : status.getConditions();
    List<Condition> next = new ArrayList<>();
    for (Condition c : before) {
      if (!ConditionTypes.DEGRADED.equals(c.getType())) {
        next.add(c);
      }
    }
    long generation =
        qd.getMetadata().getGeneration() == null ? 0 : qd.getMetadata().getGeneration();
    next.addAll(
        ConditionMerger.merge(
            before,
            List.of(condition(ConditionTypes.DEGRADED, true, reason, message)),
            generation,
            now));
    status.setConditions(next);
    return status;
  }

  private Condition readyCondition(int desired) {
    if (desired == 0) {
      return condition(
          ConditionTypes.READY, true, ConditionTypes.REASON_SCALED_TO_ZERO, "0 replicas requested");
    }
    if (readyReplicas >= desired) {
      return condition(
          ConditionTypes.READY,
          true,
          ConditionTypes.REASON_ALL_READY,
          readyReplicas + "/" + desired + " replicas ready; serving at " + Names.endpoint(qd));
    }
    String message = readyReplicas + "/" + desired + " replicas ready";
    if (!waiting.isEmpty()) {
      message += "; waiting for " + String.join(", ", waiting);
    }
    if (!errors.isEmpty()) {
      message += "; " + String.join("; ", errors);
    }
    return condition(ConditionTypes.READY, false, ConditionTypes.REASON_NOT_READY, message);
  }

  private Condition progressingCondition(int desired) {
    if (deployment == null) {
      return condition(
          ConditionTypes.PROGRESSING,
          true,
          ConditionTypes.REASON_ROLLING_OUT,
          "creating the Deployment");
    }
    var deploymentStatus = deployment.getStatus();
    boolean controllerBehind =
        deploymentStatus != null
            && deploymentStatus.getObservedGeneration() != null
            && deployment.getMetadata().getGeneration() != null
            && deploymentStatus.getObservedGeneration() < deployment.getMetadata().getGeneration();
    boolean notAllUpdated =
        deploymentStatus != null
            && deploymentStatus.getUpdatedReplicas() != null
            && deploymentStatus.getUpdatedReplicas() < desired;
    boolean surplusPods = existingReplicas > desired;
    if (controllerBehind || notAllUpdated || surplusPods || readyReplicas < desired) {
      return condition(
          ConditionTypes.PROGRESSING,
          true,
          ConditionTypes.REASON_ROLLING_OUT,
          "rolling out: "
              + readyReplicas
              + "/"
              + desired
              + " ready, "
              + existingReplicas
              + " pods");
    }
    return condition(
        ConditionTypes.PROGRESSING,
        false,
        ConditionTypes.REASON_ROLLOUT_COMPLETE,
        "all " + desired + " replicas run the current spec");
  }

  private Condition degradedCondition() {
    if (errors.isEmpty()) {
      return condition(
          ConditionTypes.DEGRADED, false, ConditionTypes.REASON_AS_EXPECTED, "no problems seen");
    }
    String reason =
        errorReasons.stream().distinct().count() == 1
            ? errorReasons.getFirst()
            : ConditionTypes.REASON_PODS_FAILING;
    return condition(ConditionTypes.DEGRADED, true, reason, String.join("; ", errors));
  }

  /** The least advanced download: the one the rollout waits for. */
  private Optional<ModelDownload> slowestDownload() {
    return downloads.values().stream().min(Comparator.comparingInt(ModelDownload::percent));
  }

  private Condition downloadingCondition() {
    Optional<ModelDownload> slowest = slowestDownload();
    if (slowest.isEmpty()) {
      return condition(
          ConditionTypes.DOWNLOADING,
          false,
          ConditionTypes.REASON_NO_DOWNLOAD,
          "no pod is downloading the model");
    }
    String pods =
        downloads.size() == 1
            ? "pod " + downloads.keySet().iterator().next()
            : downloads.size() + " pods, the slowest";
    return condition(
        ConditionTypes.DOWNLOADING,
        true,
        ConditionTypes.REASON_DOWNLOADING_MODEL,
        "Downloading model: " + slowest.get().progress() + " (" + pods + ")");
  }

  private Condition warningCondition() {
    if (warnings.isEmpty()) {
      return condition(
          ConditionTypes.SPEC_WARNING,
          false,
          ConditionTypes.REASON_NO_WARNINGS,
          "no known pitfall in the spec");
    }
    String reason =
        warnings.size() == 1
            ? warnings.getFirst().reason()
            : ConditionTypes.REASON_SEVERAL_WARNINGS;
    return condition(
        ConditionTypes.SPEC_WARNING,
        true,
        reason,
        String.join("; ", warnings.stream().map(SpecProblem::message).toList()));
  }

  private void error(String reason, String message) {
    errorReasons.add(reason);
    errors.add(message);
  }

  private static Condition condition(String type, boolean status, String reason, String message) {
    return new ConditionBuilder()
        .withType(type)
        .withStatus(status ? ConditionTypes.TRUE : ConditionTypes.FALSE)
        .withReason(reason)
        .withMessage(message)
        .build();
  }
}
