package io.qwenops.exporter.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.qwenops.exporter.FakeNvml;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exporter when things are wrong: no driver, a lost GPU, a sidecar that is not told its GPUs
 * yet.
 */
class DegradedExporterTest {

  @TempDir Path dir;

  @Test
  void withoutTheLibraryItStillServesAndSaysWhy() throws Exception {
    try (RunningExporter exporter =
        new RunningExporter(
            Map.of(), "--nvml-library", dir.resolve("absent/libnvidia-ml.so.1").toString())) {
      JsonNode health = exporter.getJson("/health");
      assertThat(health.path("status").asText()).isEqualTo("UP");
      assertThat(health.path("nvmlAvailable").asBoolean()).isFalse();
      assertThat(health.path("gpusVisible").asInt()).isZero();
      assertThat(health.path("reason").asText())
          .contains("NVML library not found")
          .contains("runtimeClassName: nvidia");
      try (WsRecorder client = new WsRecorder(exporter.port(), "")) {
        JsonNode hello = client.next(Duration.ofSeconds(5)).json();
        assertThat(hello.path("type").asText()).isEqualTo("hello");
        assertThat(hello.path("nvml").path("available").asBoolean()).isFalse();
        assertThat(hello.path("nvml").path("reason").asText()).contains("NVML library not found");
        assertThat(hello.path("reason").asText()).contains("NVML library not found");
        assertThat(hello.path("gpus")).isEmpty();
        JsonNode sample = client.next("sample", Duration.ofSeconds(5)).json();
        assertThat(sample.path("gpus")).isEmpty();
      }
      assertThat(exporter.get("/metrics").body()).doesNotContain("DCGM_FI_DEV_GPU_UTIL");
    }
  }

  @Test
  void whenTheDriverAppearsLaterTheStreamSwitchesToItsGpus() throws Exception {
    Path library = dir.resolve("late/libnvidia-ml.so.1");
    try (RunningExporter exporter =
        new RunningExporter(
            Map.of(),
            "--nvml-library",
            library.toString(),
            "--nvml-retry-seconds",
            "1",
            "--gpu-filter",
            "off")) {
      try (WsRecorder client = new WsRecorder(exporter.port(), "?historySeconds=0")) {
        JsonNode hello = client.next(Duration.ofSeconds(5)).json();
        assertThat(hello.path("nvml").path("available").asBoolean()).isFalse();
        FakeNvml.install(library.getParent(), "gpus=2");
        JsonNode attached = client.next("hello", Duration.ofSeconds(10)).json();
        assertThat(attached.path("nvml").path("available").asBoolean()).isTrue();
        assertThat(attached.path("reason").isNull()).isTrue();
        assertThat(attached.path("gpus")).hasSize(2);
        JsonNode sample = client.next("sample", Duration.ofSeconds(5)).json();
        assertThat(sample.path("gpus")).hasSize(2);
      }
      assertThat(exporter.getJson("/health").path("nvmlAvailable").asBoolean()).isTrue();
    }
  }

  @Test
  void aTakenPortIsAClearStartupError() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      assertThatThrownBy(
              () ->
                  new RunningExporter(
                      Map.of(),
                      "--port",
                      Integer.toString(taken.getLocalPort()),
                      "--nvml-library",
                      dir.resolve("absent.so").toString()))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("could not listen on 127.0.0.1:" + taken.getLocalPort());
    }
  }

  @Test
  void aDriverThatFailsToInitialiseIsReported() throws Exception {
    Path library = FakeNvml.install(dir, "init_error=9");
    try (RunningExporter exporter =
        new RunningExporter(Map.of(), "--nvml-library", library.toString())) {
      JsonNode health = exporter.getJson("/health");
      assertThat(health.path("nvmlAvailable").asBoolean()).isFalse();
      assertThat(health.path("reason").asText())
          .contains("NVML_ERROR_DRIVER_NOT_LOADED")
          .contains("kernel driver is not loaded");
    }
  }

  @Test
  void aLostGpuIsMarkedLostWhileTheOtherKeepsReporting() throws Exception {
    Path library = FakeNvml.install(dir, "gpus=2", "lost_gpu=1", "lost_after_calls=80");
    try (RunningExporter exporter =
        new RunningExporter(
            Map.of(),
            "--nvml-library",
            library.toString(),
            "--gpu-filter",
            "off",
            "--interval-ms",
            "100")) {
      exporter.firstSample();
      JsonNode sample = null;
      for (int i = 0; i < 100; i++) {
        sample = exporter.getJson("/api/gpu");
        if (sample.path("gpus").path(1).path("state").asText().equals("lost")) {
          break;
        }
        Thread.sleep(100);
      }
      JsonNode lost = sample.path("gpus").path(1);
      assertThat(lost.path("state").asText()).isEqualTo("lost");
      assertThat(lost.path("error").asText()).contains("NVML_ERROR_GPU_IS_LOST");
      assertThat(lost.path("temperatureCelsius").isNull()).isTrue();
      long seq = sample.path("seq").asLong();
      Thread.sleep(300);
      JsonNode later = exporter.getJson("/api/gpu");
      assertThat(later.path("seq").asLong()).isGreaterThan(seq);
      assertThat(later.path("gpus").path(0).path("state").asText()).isEqualTo("ok");
      assertThat(later.path("gpus").path(0).path("temperatureCelsius").isInt()).isTrue();

      List<PrometheusText.Series> metrics = PrometheusText.parse(exporter.get("/metrics").body());
      assertThat(PrometheusText.value(metrics, "qwenops_gpu_lost", 1)).isEqualTo(1.0);
      assertThat(PrometheusText.value(metrics, "qwenops_gpu_lost", 0)).isEqualTo(0.0);
      assertThat(PrometheusText.value(metrics, "DCGM_FI_DEV_GPU_TEMP", 1)).isNull();
      assertThat(PrometheusText.value(metrics, "DCGM_FI_DEV_GPU_TEMP", 0)).isNotNull();
      assertThat(exporter.getJson("/health").path("gpusLost").asInt()).isEqualTo(1);
    }
  }

  @Test
  void theUuidFileWrittenByTheInferenceContainerDecidesWhichGpusAreShown() throws Exception {
    Path library = FakeNvml.install(dir.resolve("nvml"), "gpus=4");
    Path uuidFile = dir.resolve("shared/gpu-uuids");
    try (RunningExporter exporter =
        new RunningExporter(
            Map.of("POD_NAME", "qwen-1", "QWENOPS_GPU_UUIDS_FILE", uuidFile.toString()),
            "--nvml-library",
            library.toString())) {
      try (WsRecorder client = new WsRecorder(exporter.port(), "?historySeconds=0")) {
        JsonNode hello = client.next(Duration.ofSeconds(5)).json();
        assertThat(hello.path("gpus")).isEmpty();
        assertThat(hello.path("reason").asText())
            .contains("waiting for the inference container to write " + uuidFile);
        assertThat(exporter.getJson("/health").path("reason").asText()).contains("waiting");

        Files.createDirectories(uuidFile.getParent());
        Files.writeString(uuidFile, "GPU-00000000-fake-4000-8000-000000000003\n");

        JsonNode updated = client.next("hello", Duration.ofSeconds(5)).json();
        assertThat(updated.path("gpus")).hasSize(1);
        assertThat(updated.path("gpus").path(0).path("index").asInt()).isEqualTo(3);
        assertThat(updated.path("reason").isNull()).isTrue();
        assertThat(updated.path("gpuFilter").path("source").asText()).isEqualTo("file " + uuidFile);
        JsonNode sample = client.next("sample", Duration.ofSeconds(5)).json();
        assertThat(sample.path("gpus")).hasSize(1);
        assertThat(sample.path("gpus").path(0).path("uuid").asText())
            .isEqualTo("GPU-00000000-fake-4000-8000-000000000003");
      }
    }
  }
}
