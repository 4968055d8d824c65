package io.qwenops.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.MicroTimeBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

class VolumeTroubleTest {

  static Event event(String reason, String message, String lastTimestamp) {
    return new EventBuilder()
        .withReason(reason)
        .withMessage(message)
        .withLastTimestamp(lastTimestamp)
        .build();
  }

  @Test
  void theNewestAttachFailureWinsOverAnyMountFailure() {
    var trouble =
        VolumeTrouble.fromEvents(
            List.of(
                event("FailedMount", "timed out waiting for the condition", "2026-12-03T10:09:00Z"),
                event("FailedAttachVolume", "old attach failure", "2026-12-03T10:00:00Z"),
                event(
                    "FailedAttachVolume",
                    "Multi-Attach error for volume \"pvc-1\"",
                    "2026-12-03T10:03:00Z"),
                event("Scheduled", "Successfully assigned", "2026-12-03T10:10:00Z")));
    assertThat(trouble)
        .contains(
            new VolumeTrouble("VolumeAttachFailed", "Multi-Attach error for volume \"pvc-1\""));
  }

  @Test
  void anEventsTimeMayBeInEventTimeOnlyAsTheEventsApiWritesIt() {
    Event newer =
        new EventBuilder()
            .withReason("FailedMount")
            .withMessage("newer")
            .withEventTime(new MicroTimeBuilder().withTime("2026-12-03T10:05:00.123456Z").build())
            .build();
    assertThat(
            VolumeTrouble.fromEvents(
                List.of(event("FailedMount", "older", "2026-12-03T10:01:00Z"), newer)))
        .contains(new VolumeTrouble("VolumeMountFailed", "newer"));
  }

  @Test
  void aLongMessageIsOneLineAndTrimmedAndOtherEventsSayNothing() {
    String many =
        "Multi-Attach error for volume \"pvc-1\"\n Volume is already used by pod(s) "
            + "x-".repeat(400);
    VolumeTrouble trouble =
        VolumeTrouble.fromEvents(List.of(event("FailedAttachVolume", many, null))).orElseThrow();
    assertThat(trouble.message())
        .hasSize(VolumeTrouble.MAX_MESSAGE_CHARS)
        .startsWith("Multi-Attach error for volume \"pvc-1\" Volume is already used")
        .doesNotContain("\n")
        .endsWith("…");
    assertThat(VolumeTrouble.fromEvents(List.of(event("BackOff", "back-off", null)))).isEmpty();
  }
}
