package io.qwenops.operator.status;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.qwenops.operator.crd.PodSummary;
import io.qwenops.operator.naming.Names;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Reads one pod: its summary for status.pods, whether it is ready, and what is wrong with it. */
final class PodHealth {

  /** Container waiting reasons that will not fix themselves. */
  private static final Set<String> STUCK_REASONS =
      Set.of(
          "CrashLoopBackOff",
          "ImagePullBackOff",
          "ErrImagePull",
          "InvalidImageName",
          "CreateContainerConfigError",
          "CreateContainerError",
          "RunContainerError");

  private PodHealth() {}

  static boolean isTerminating(Pod pod) {
    return pod.getMetadata().getDeletionTimestamp() != null;
  }

  static boolean isReady(Pod pod) {
    return condition(pod, "Ready").map(c -> "True".equals(c.getStatus())).orElse(false);
  }

  /** The annotation, when set, overrides what the exporter reported. */
  static PodSummary summary(Pod pod, List<String> fromExporter) {
    PodSummary summary = new PodSummary();
    summary.setName(pod.getMetadata().getName());
    summary.setNode(pod.getSpec() == null ? null : pod.getSpec().getNodeName());
    summary.setPhase(pod.getStatus() == null ? null : pod.getStatus().getPhase());
    summary.setReady(isReady(pod));
    List<String> annotated = annotatedGpuUuids(pod);
    summary.setGpuUuids(
        annotated != null
            ? annotated
            : (fromExporter == null || fromExporter.isEmpty() ? null : fromExporter));
    return summary;
  }

  /** A human-readable problem, e.g. "pod x: container inference CrashLoopBackOff (...)". */
  static Optional<Problem> problem(Pod pod) {
    String name = pod.getMetadata().getName();
    Optional<PodCondition> scheduled = condition(pod, "PodScheduled");
    if (scheduled.isPresent()
        && "False".equals(scheduled.get().getStatus())
        && "Unschedulable".equals(scheduled.get().getReason())) {
      return Optional.of(
          new Problem(
              "Unschedulable",
              "pod " + name + " cannot be scheduled: " + scheduled.get().getMessage()));
    }
    if (pod.getStatus() != null && "Failed".equals(pod.getStatus().getPhase())) {
      return Optional.of(
          new Problem("PodFailed", "pod " + name + " failed: " + pod.getStatus().getMessage()));
    }
    if (pod.getStatus() != null && pod.getStatus().getContainerStatuses() != null) {
      for (ContainerStatus container : pod.getStatus().getContainerStatuses()) {
        Optional<Problem> problem = containerProblem(pod, container);
        if (problem.isPresent()) {
          return problem;
        }
      }
    }
    return Optional.empty();
  }

  /**
   * A container that is not ready and will not become ready by waiting: killed for memory, a model
   * that failed to load, or a stuck waiting reason (with how it last exited).
   */
  private static Optional<Problem> containerProblem(Pod pod, ContainerStatus container) {
    if (Boolean.TRUE.equals(container.getReady())) {
      return Optional.empty();
    }
    String prefix = "pod " + pod.getMetadata().getName() + ": container " + container.getName();
    Optional<LastTermination> last = LastTermination.of(container);
    if (last.isPresent() && last.get().oomKilled()) {
      String limit =
          LastTermination.memoryLimit(pod, container.getName()).map(q -> " of " + q).orElse("");
      return Optional.of(
          new Problem(
              "OOMKilled",
              prefix
                  + " was OOMKilled: it went over its memory limit"
                  + limit
                  + ", restarted "
                  + container.getRestartCount()
                  + " times; raise resources.memory or lower engine.maxNumSeqs /"
                  + " engine.maxModelLen"));
    }
    if (last.isPresent() && last.get().modelLoadFailed()) {
      return Optional.of(new Problem("ModelLoadFailed", prefix + ": " + last.get().message()));
    }
    var waiting = container.getState() == null ? null : container.getState().getWaiting();
    if (waiting != null && STUCK_REASONS.contains(waiting.getReason())) {
      String reason = waiting.getReason();
      String detail = waiting.getMessage();
      return Optional.of(
          new Problem(
              reason,
              prefix
                  + " "
                  + reason
                  + (detail == null ? "" : " (" + detail + ")")
                  + last.map(l -> "; " + l.detail()).orElse("")));
    }
    return Optional.empty();
  }

  /**
   * Scheduled, still Pending, and its sandbox not ready: the kubelet is attaching or mounting its
   * volumes (PodReadyToStartContainers=False). The pod's Events say whether one cannot (see
   * VolumeTrouble).
   */
  static boolean awaitingVolumes(Pod pod) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    return (phase == null || "Pending".equals(phase))
        && condition(pod, "PodReadyToStartContainers")
            .map(c -> "False".equals(c.getStatus()))
            .orElse(false)
        && condition(pod, "PodScheduled").map(c -> "True".equals(c.getStatus())).orElse(false);
  }

  /**
   * Why a pending pod waits, when its conditions say more than its phase (no volume Event has said
   * what is wrong yet, or the Events could not be read).
   */
  static String waitingFor(Pod pod) {
    String phase = pod.getStatus() == null ? "Pending" : pod.getStatus().getPhase();
    if (awaitingVolumes(pod)) {
      return phase
          + ": volumes not mounted yet; kubectl describe pod "
          + pod.getMetadata().getName()
          + " shows FailedMount or Multi-Attach if one cannot attach";
    }
    return phase;
  }

  private static List<String> annotatedGpuUuids(Pod pod) {
    String value =
        pod.getMetadata().getAnnotations() == null
            ? null
            : pod.getMetadata().getAnnotations().get(Names.GPU_UUIDS_ANNOTATION);
    if (value == null || value.isBlank()) {
      return null;
    }
    return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  private static Optional<PodCondition> condition(Pod pod, String type) {
    if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return pod.getStatus().getConditions().stream()
        .filter(c -> type.equals(c.getType()))
        .findFirst();
  }

  record Problem(String reason, String message) {}
}
