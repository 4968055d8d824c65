package io.qwenops.operator.status;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.Optional;

/**
 * Why a container last stopped, from {@code status.containerStatuses[].lastState.terminated}: the
 * kubelet's reason (OOMKilled, Error) and the termination message (what the inference server wrote
 * on a failed load, or the tail of its log under {@code FallbackToLogsOnError}).
 */
record LastTermination(String container, String reason, int exitCode, String message) {

  /** Enough for the server's one-line reason; a log tail is cut from its start. */
  static final int MAX_MESSAGE_CHARS = 400;

  /** What the inference server writes as its termination message when the model cannot load. */
  static final String MODEL_LOAD_FAILED_PREFIX = "Loading the model failed";

  static Optional<LastTermination> of(ContainerStatus status) {
    if (status.getLastState() == null || status.getLastState().getTerminated() == null) {
      return Optional.empty();
    }
    ContainerStateTerminated terminated = status.getLastState().getTerminated();
    return Optional.of(
        new LastTermination(
            status.getName(),
            terminated.getReason(),
            terminated.getExitCode() == null ? -1 : terminated.getExitCode(),
            shorten(terminated.getMessage())));
  }

  boolean oomKilled() {
    return "OOMKilled".equals(reason);
  }

  boolean modelLoadFailed() {
    return message != null && message.startsWith(MODEL_LOAD_FAILED_PREFIX);
  }

  /** "; last exit 1: <message>" or "" when the container left nothing to say. */
  String detail() {
    String exit = "last exit " + exitCode + (reason == null ? "" : " (" + reason + ")");
    return message == null ? exit : exit + ": " + message;
  }

  /** The container's memory limit in the pod spec, for a message that says what to raise. */
  static Optional<Quantity> memoryLimit(Pod pod, String container) {
    if (pod.getSpec() == null || pod.getSpec().getContainers() == null) {
      return Optional.empty();
    }
    return pod.getSpec().getContainers().stream()
        .filter(c -> container.equals(c.getName()))
        .filter(c -> c.getResources() != null && c.getResources().getLimits() != null)
        .map(c -> c.getResources().getLimits().get("memory"))
        .filter(q -> q != null)
        .findFirst();
  }

  private static String shorten(String message) {
    if (message == null || message.isBlank()) {
      return null;
    }
    String flat = message.strip().replaceAll("\\s+", " ");
    return flat.length() <= MAX_MESSAGE_CHARS
        ? flat
        : "…" + flat.substring(flat.length() - MAX_MESSAGE_CHARS);
  }
}
