package io.qwenops.exporter.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.qwenops.exporter.FakeNvml;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that stops reading costs only its own frames: the sampler and the other clients carry
 * on.
 */
class StalledClientTest {

  @TempDir Path dir;

  @Test
  void aStalledClientLosesItsOldestFramesAndSlowsNoOneElse() throws Exception {
    Path library = FakeNvml.install(dir, "gpus=8", "pcie_delay_ms=2");
    try (RunningExporter exporter =
        new RunningExporter(
            Map.of(),
            "--nvml-library",
            library.toString(),
            "--gpu-filter",
            "off",
            "--interval-ms",
            "100",
            "--client-queue",
            "4",
            "--send-buffer-kb",
            "16")) {
      exporter.firstSample();
      try (RawWebSocket stalled = RawWebSocket.stalled(exporter.port(), "?historySeconds=60");
          WsRecorder healthy = new WsRecorder(exporter.port(), "?historySeconds=0")) {
        assertThat(healthy.next(Duration.ofSeconds(5)).type()).isEqualTo("hello");
        long dropped = 0;
        for (int i = 0; i < 200 && dropped == 0; i++) {
          Thread.sleep(100);
          dropped = exporter.getJson("/health").path("droppedFrames").asLong();
        }
        assertThat(dropped).as("frames dropped for the stalled client").isPositive();

        List<WsRecorder.Frame> before = healthy.drain();
        List<WsRecorder.Frame> samples = healthy.samplesFor(Duration.ofSeconds(3));
        List<Long> seqs = new ArrayList<>();
        for (WsRecorder.Frame frame : before) {
          if (frame.type().equals("sample")) {
            seqs.add(frame.json().path("seq").asLong());
          }
        }
        samples.forEach(f -> seqs.add(f.json().path("seq").asLong()));
        for (int i = 1; i < seqs.size(); i++) {
          assertThat(seqs.get(i))
              .as("the healthy client misses nothing")
              .isEqualTo(seqs.get(i - 1) + 1);
        }
        assertThat(samples.size()).isBetween(20, 40);
        assertThat(ExporterServerTest.medianIntervalMs(samples)).isCloseTo(100.0, within(40.0));
        assertThat(exporter.getJson("/health").path("clients").asInt()).isEqualTo(2);

        // When the stalled client reads again, it learns how many frames it lost.
        String text;
        do {
          text = stalled.readText();
        } while (!text.contains("\"type\":\"dropped\""));
        assertThat(WsRecorder.JSON.readTree(text).path("dropped").asLong()).isPositive();
      }
    }
  }
}
