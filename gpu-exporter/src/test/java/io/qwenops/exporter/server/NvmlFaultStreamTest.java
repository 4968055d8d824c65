package io.qwenops.exporter.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.qwenops.exporter.FakeNvml;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reliability suite: the stream under NVML faults from the fake driver. A GPU falls off the bus
 * mid-stream, some fields are NOT_SUPPORTED, one call fails once, and an XID wait that keeps
 * failing shows in /health; the 500 ms stream never skips a tick.
 */
@Tag("reliability")
class NvmlFaultStreamTest {

  @TempDir Path dir;

  private RunningExporter exporter(String... settings) {
    Path library = FakeNvml.install(dir, settings);
    return new RunningExporter(
        Map.of(), "--nvml-library", library.toString(), "--gpu-filter", "off");
  }

  @Test
  void theStreamGoesOnThroughALostGpuUnsupportedFieldsAndACallThatFailsOnce() throws Exception {
    try (RunningExporter exporter =
            exporter(
                "gpus=2",
                "pcie_delay_ms=1",
                "lost_gpu=1",
                "lost_after_calls=80",
                "fan_not_supported=1",
                "ecc_not_supported=1",
                "fail=nvmlDeviceGetTemperature",
                "fail_after_calls=10");
        WsRecorder client = new WsRecorder(exporter.port(), "?historySeconds=600")) {
      JsonNode hello = client.next("hello", Duration.ofSeconds(5)).json();
      assertThat(hello.path("gpus").get(0).path("capabilities").path("fan").asBoolean(true))
          .isFalse();
      // The history (from the first tick: the faults may precede the connection) and then 6 s of
      // stream, as one run of ticks (the faults come within the first 3 s).
      List<JsonNode> samples = new ArrayList<>();
      client.next("history", Duration.ofSeconds(5)).json().path("samples").forEach(samples::add);
      int fromHistory = samples.size();
      client.samplesFor(Duration.ofSeconds(6)).forEach(f -> samples.add(f.json()));
      assertThat(samples.size() - fromHistory)
          .as("samples streamed in 6 s")
          .isGreaterThanOrEqualTo(9);
      assertThat(samples.getFirst().path("seq").asLong()).isEqualTo(1);
      assertThat(samples.size()).isGreaterThanOrEqualTo(12);
      long spanMs =
          samples.getLast().path("monoMs").asLong() - samples.getFirst().path("monoMs").asLong();
      assertThat(spanMs / (double) (samples.size() - 1)).isCloseTo(500.0, within(50.0));
      int failedTicks = 0;
      boolean gpu1Lost = false;
      for (int i = 0; i < samples.size(); i++) {
        JsonNode sample = samples.get(i);
        if (i > 0) {
          assertThat(sample.path("seq").asLong())
              .as("no tick is skipped")
              .isEqualTo(samples.get(i - 1).path("seq").asLong() + 1);
        }
        JsonNode gpu0 = sample.path("gpus").get(0);
        JsonNode gpu1 = sample.path("gpus").get(1);
        assertThat(gpu0.path("state").asText()).isEqualTo("ok");
        assertThat(gpu0.path("fanSpeedPercent").isNull()).isTrue();
        assertThat(gpu0.path("eccCorrectedVolatile").isNull()).isTrue();
        assertThat(gpu0.path("memoryUsedBytes").isNull()).isFalse();
        if (gpu0.path("temperatureCelsius").isNull()
            || gpu1.path("temperatureCelsius").isNull()
                && gpu1.path("state").asText().equals("ok")) {
          failedTicks++;
          String error =
              gpu0.path("temperatureCelsius").isNull()
                  ? gpu0.path("error").asText()
                  : gpu1.path("error").asText();
          assertThat(error).contains("nvmlDeviceGetTemperature");
        }
        if (gpu1Lost) {
          assertThat(gpu1.path("state").asText()).as("a lost GPU stays lost").isEqualTo("lost");
        }
        gpu1Lost = gpu1.path("state").asText().equals("lost");
      }
      assertThat(failedTicks).as("ticks with the failed temperature call").isEqualTo(1);
      assertThat(gpu1Lost).as("GPU 1 fell off the bus mid-stream").isTrue();
      assertThat(samples.getFirst().path("gpus").get(1).path("state").asText()).isEqualTo("ok");
      JsonNode health = exporter.getJson("/health");
      assertThat(health.path("gpusLost").asInt()).isEqualTo(1);
      assertThat(health.path("status").asText()).isEqualTo("UP");
      assertThat(exporter.get("/metrics").body()).contains("qwenops_gpu_lost{");
    }
  }

  @Test
  void aReaderThatKeepsFailingShowsInHealthWhichStays200() throws Exception {
    try (RunningExporter exporter =
        exporter(
            "gpus=1",
            "pcie_delay_ms=1",
            "fail=nvmlEventSetWait_v2",
            "fail_code=999",
            "fail_times=-1")) {
      exporter.firstSample();
      JsonNode health = null;
      for (int i = 0; i < 100; i++) {
        health = exporter.getJson("/health"); // asserts 200
        if (health.path("readers").path("xid").path("failures").asLong() >= 2) {
          break;
        }
        Thread.sleep(50);
      }
      assertThat(health.path("status").asText()).isEqualTo("DEGRADED");
      JsonNode xid = health.path("readers").path("xid");
      assertThat(xid.path("state").asText()).isEqualTo("retrying");
      assertThat(xid.path("lastError").asText()).contains("nvmlEventSetWait").contains("999");
      assertThat(health.path("readers").path("pcie").path("state").asText()).isEqualTo("running");
      assertThat(health.path("readers").path("sampler").path("state").asText())
          .isEqualTo("running");
    }
  }
}
