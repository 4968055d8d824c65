package io.qwenops.operator.status;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A volume a pod cannot attach or mount, from the pod's Events: pod status only says the sandbox is
 * not ready, the kubelet's and attach-detach controller's Events say which volume and why.
 *
 * @param reason the condition reason, {@link #ATTACH_FAILED} or {@link #MOUNT_FAILED}
 * @param message the newest such Event's message, on one line and trimmed
 */
public record VolumeTrouble(String reason, String message) {

  public static final String ATTACH_FAILED = "VolumeAttachFailed";
  public static final String MOUNT_FAILED = "VolumeMountFailed";

  /** Event reasons, as the attach-detach controller and the kubelet write them. */
  static final String EVENT_FAILED_ATTACH = "FailedAttachVolume";

  static final String EVENT_FAILED_MOUNT = "FailedMount";

  /** Enough for the volume's name and the cause; an Event message can list many pods. */
  static final int MAX_MESSAGE_CHARS = 300;

  /** Whether the pod waits on its volumes; only such pods have their Events read. */
  public static boolean awaited(Pod pod) {
    return !PodHealth.isTerminating(pod) && PodHealth.awaitingVolumes(pod);
  }

  /**
   * The newest attach failure, else the newest mount failure: a volume that cannot attach also
   * fails to mount (a timeout), and only the attach failure says why.
   */
  public static Optional<VolumeTrouble> fromEvents(List<Event> events) {
    return newest(events, EVENT_FAILED_ATTACH)
        .map(e -> new VolumeTrouble(ATTACH_FAILED, trim(e.getMessage())))
        .or(
            () ->
                newest(events, EVENT_FAILED_MOUNT)
                    .map(e -> new VolumeTrouble(MOUNT_FAILED, trim(e.getMessage()))));
  }

  /** The condition message for pod {@code pod}, with what to do about a Multi-Attach error. */
  String describe(String pod) {
    if (ATTACH_FAILED.equals(reason)) {
      String hint =
          message.contains("Multi-Attach")
              ? "; a ReadWriteOnce volume attaches to one node at a time: give the replicas a"
                  + " ReadWriteMany claim, or let the old pod go first"
              : "";
      return "pod " + pod + " cannot attach a volume: " + message + hint;
    }
    return "pod " + pod + " cannot mount a volume: " + message;
  }

  private static Optional<Event> newest(List<Event> events, String reason) {
    return events.stream()
        .filter(e -> reason.equals(e.getReason()))
        .max(Comparator.comparing(VolumeTrouble::when));
  }

  /** When the Event last happened, whichever of its time fields the writer filled in. */
  private static Instant when(Event event) {
    return Stream.of(
            event.getSeries() == null || event.getSeries().getLastObservedTime() == null
                ? null
                : event.getSeries().getLastObservedTime().getTime(),
            event.getLastTimestamp(),
            event.getEventTime() == null ? null : event.getEventTime().getTime(),
            event.getFirstTimestamp(),
            event.getMetadata() == null ? null : event.getMetadata().getCreationTimestamp())
        .filter(t -> t != null && !t.isBlank())
        .findFirst()
        .flatMap(VolumeTrouble::parse)
        .orElse(Instant.EPOCH);
  }

  private static Optional<Instant> parse(String time) {
    try {
      return Optional.of(Instant.parse(time));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  private static String trim(String message) {
    if (message == null || message.isBlank()) {
      return "no message in its Event";
    }
    String line = message.strip().replaceAll("\\s+", " ");
    return line.length() <= MAX_MESSAGE_CHARS
        ? line
        : line.substring(0, MAX_MESSAGE_CHARS - 1) + "…";
  }
}
