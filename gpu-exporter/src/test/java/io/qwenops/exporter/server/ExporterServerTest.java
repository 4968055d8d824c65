package io.qwenops.exporter.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.qwenops.exporter.FakeNvml;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exporter as a pod runs it: three fake GPUs on the node, two of them the inference container's
 * (by UUID), with identity from the Downward API variables. Checked over real HTTP and WebSocket
 * connections.
 */
class ExporterServerTest {

  static final String GPU0 = "GPU-00000000-fake-4000-8000-000000000000";
  static final String GPU2 = "GPU-00000000-fake-4000-8000-000000000002";
  static final double MIB = 1024.0 * 1024.0;

  @TempDir static Path dir;
  static RunningExporter exporter;

  @BeforeAll
  static void start() {
    Path library =
        FakeNvml.install(
            dir, "gpus=3", "fan_not_supported=1", "xid_gpu=2", "xid_code=48", "xid_after_ms=100");
    exporter =
        new RunningExporter(
            Map.of(
                "POD_NAME", "qwen-0",
                "POD_NAMESPACE", "ml",
                "NODE_NAME", "gpu-node-3",
                "HOSTNAME", "qwen-0",
                "QWENOPS_CONTAINER_NAME", "inference",
                "QWENOPS_GPU_UUIDS", GPU0 + "," + GPU2),
            "--nvml-library",
            library.toString(),
            "--gpu-uuids-file",
            dir.resolve("no-such-file").toString());
  }

  @AfterAll
  static void stop() {
    exporter.close();
  }

  /** The latest sample once the XID on GPU 2 has been counted. */
  static JsonNode settledSample() throws Exception {
    exporter.firstSample();
    for (int i = 0; i < 40; i++) {
      JsonNode sample = exporter.getJson("/api/gpu");
      if (sample.path("gpus").path(1).path("xidCount").asLong() == 1) {
        return sample;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the XID never showed up");
  }

  @Test
  void restSnapshotReportsEveryFieldOfTheContainersGpus() throws Exception {
    JsonNode sample = settledSample();
    assertThat(sample.path("type").asText()).isEqualTo("sample");
    assertThat(sample.path("seq").asLong()).isPositive();
    assertThat(sample.path("monoMs").asLong()).isNotNegative();
    assertThat(sample.path("timeMs").asLong())
        .isCloseTo(System.currentTimeMillis(), within(10_000L));
    JsonNode gpus = sample.path("gpus");
    assertThat(gpus).hasSize(2);
    assertThat(gpus.path(0).path("uuid").asText()).isEqualTo(GPU0);
    JsonNode gpu = gpus.path(1);
    assertThat(gpu.path("index").asInt()).isEqualTo(2);
    assertThat(gpu.path("uuid").asText()).isEqualTo(GPU2);
    assertThat(gpu.path("state").asText()).isEqualTo("ok");
    assertThat(gpu.path("error").isNull()).isTrue();
    long total = gpu.path("memoryTotalBytes").asLong();
    assertThat(total).isEqualTo(80L << 30);
    assertThat(gpu.path("memoryReservedBytes").asLong()).isEqualTo(512L << 20);
    assertThat(
            gpu.path("memoryUsedBytes").asLong()
                + gpu.path("memoryFreeBytes").asLong()
                + gpu.path("memoryReservedBytes").asLong())
        .isEqualTo(total);
    assertThat(gpu.path("gpuUtilPercent").asInt()).isBetween(5, 100);
    assertThat(gpu.path("memoryUtilPercent").asInt()).isBetween(1, 60);
    assertThat(gpu.path("powerWatts").asDouble()).isBetween(50.0, 550.0); // fake: 100..500 W
    assertThat(gpu.path("powerSource").asText()).isEqualTo("energy");
    assertThat(gpu.path("powerLimitWatts").asDouble()).isEqualTo(700.0);
    assertThat(gpu.path("energyJoules").asDouble()).isGreaterThan(2000.0);
    assertThat(gpu.path("temperatureCelsius").asInt()).isBetween(35, 80);
    assertThat(gpu.path("pcieTxBytesPerSecond").asLong())
        .isBetween(1000L * 1024, 2_000_000L * 1024);
    assertThat(gpu.path("pcieRxBytesPerSecond").asLong()).isBetween(500L * 1024, 1_000_000L * 1024);
    assertThat(gpu.path("smClockMhz").asInt()).isBetween(345, 1980);
    assertThat(gpu.path("memoryClockMhz").asInt()).isEqualTo(2619);
    assertThat(gpu.has("fanSpeedPercent")).isTrue();
    assertThat(gpu.path("fanSpeedPercent").isNull()).as("unsupported fan is null, not 0").isTrue();
    assertThat(gpu.path("clockEventReasons").toString()).isEqualTo("[\"sw_power_cap\"]");
    assertThat(gpu.path("eccCorrectedVolatile").asLong()).isEqualTo(5);
    assertThat(gpu.path("eccUncorrectedVolatile").asLong()).isZero();
    assertThat(gpu.path("xidCount").asLong()).isEqualTo(1);
    assertThat(gpu.path("lastXid").asLong()).isEqualTo(48);
    assertThat(gpu.path("processes").toString())
        .isEqualTo(
            "[{\"pid\":1200,\"usedMemoryBytes\":1073741824},"
                + "{\"pid\":1201,\"usedMemoryBytes\":2147483648}]");
    assertThat(gpus.path(0).path("clockEventReasons").toString()).isEqualTo("[\"gpu_idle\"]");
    assertThat(gpus.path(0).path("xidCount").asLong()).isZero();
    assertThat(gpus.path(0).path("lastXid").isNull()).isTrue();
  }

  @Test
  void infoAndHealthSayWhoseGpusTheseAre() throws Exception {
    JsonNode hello = exporter.getJson("/api/gpu/info");
    assertThat(hello.path("type").asText()).isEqualTo("hello");
    assertThat(hello.path("protocol").asInt()).isEqualTo(1);
    assertThat(hello.path("pod").asText()).isEqualTo("qwen-0");
    assertThat(hello.path("namespace").asText()).isEqualTo("ml");
    assertThat(hello.path("node").asText()).isEqualTo("gpu-node-3");
    assertThat(hello.path("container").asText()).isEqualTo("inference");
    assertThat(hello.path("intervalMs").asLong()).isEqualTo(500);
    assertThat(hello.path("historySeconds").asLong()).isEqualTo(600);
    assertThat(hello.path("nvml").path("available").asBoolean()).isTrue();
    assertThat(hello.path("nvml").path("driverVersion").asText()).isEqualTo("550.54.15-fake");
    assertThat(hello.path("gpuFilter").path("filtering").asBoolean()).isTrue();
    assertThat(hello.path("gpuFilter").path("source").asText()).isEqualTo("env QWENOPS_GPU_UUIDS");
    assertThat(hello.path("gpus")).hasSize(2);
    JsonNode gpu = hello.path("gpus").path(1);
    assertThat(gpu.path("uuid").asText()).isEqualTo(GPU2);
    assertThat(gpu.path("name").asText()).isEqualTo("NVIDIA H100 80GB HBM3 (fake)");
    assertThat(gpu.path("pciBusId").asText()).isEqualTo("00000000:19:00.0");
    assertThat(gpu.path("capabilities").path("fan").asBoolean(true)).isFalse();
    assertThat(gpu.path("capabilities").path("pcie").asBoolean()).isTrue();
    assertThat(hello.path("reason").isNull()).isTrue();

    JsonNode health = exporter.getJson("/health");
    assertThat(health.path("status").asText()).isEqualTo("UP");
    assertThat(health.path("nvmlAvailable").asBoolean()).isTrue();
    assertThat(health.path("gpusVisible").asInt()).isEqualTo(2);
    assertThat(health.path("gpusLost").asInt()).isZero();
  }

  @Test
  void historyHonoursSecondsAndRefusesNonsense() throws Exception {
    exporter.firstSample();
    Thread.sleep(1100);
    JsonNode all = exporter.getJson("/api/gpu/history");
    assertThat(all.path("type").asText()).isEqualTo("history");
    List<Long> seqs = new ArrayList<>();
    all.path("samples").forEach(s -> seqs.add(s.path("seq").asLong()));
    assertThat(seqs.size()).isGreaterThanOrEqualTo(3);
    for (int i = 1; i < seqs.size(); i++) {
      assertThat(seqs.get(i)).isEqualTo(seqs.get(i - 1) + 1);
    }
    JsonNode recent = exporter.getJson("/api/gpu/history?seconds=1");
    assertThat(recent.path("samples").size()).isBetween(1, 4);
    for (String bad : List.of("abc", "0", "-5", "601")) {
      HttpResponse<String> response = exporter.get("/api/gpu/history?seconds=" + bad);
      assertThat(response.statusCode()).as(bad).isEqualTo(400);
      assertThat(response.body()).contains("seconds must be a whole number from 1 to 600");
    }
  }

  @Test
  void metricsCarryDcgmNamesLabelsAndTheSameValuesAsRest() throws Exception {
    settledSample();
    for (int attempt = 0; attempt < 10; attempt++) {
      JsonNode before = exporter.getJson("/api/gpu");
      HttpResponse<String> metrics = exporter.get("/metrics");
      JsonNode after = exporter.getJson("/api/gpu");
      if (before.path("seq").asLong() != after.path("seq").asLong()) {
        continue; // a tick fell between the reads: try again
      }
      assertThat(metrics.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
      List<PrometheusText.Series> series = PrometheusText.parse(metrics.body());
      JsonNode gpu = after.path("gpus").path(1);
      assertThat(PrometheusText.value(series, "DCGM_FI_DEV_GPU_UTIL", 2))
          .isEqualTo(gpu.path("gpuUtilPercent").asDouble());
      assertThat(PrometheusText.value(series, "DCGM_FI_DEV_MEM_COPY_UTIL", 2))
          .isEqualTo(gpu.path("memoryUtilPercent").asDouble());
      assertThat(PrometheusText.value(series, "DCGM_FI_DEV_FB_USED", 2))
          .isEqualTo(gpu.path("memoryUsedBytes").asLong() / MIB);
      assertThat(PrometheusText.value(series, "DCGM_FI_DEV_FB_FREE", 2))
          .isEqualTo(gpu.path("memoryFreeBytes").asLong() / MIB);
      assertThat(PrometheusText.value(series, "DCGM_FI_DEV_POWER_USAGE", 2))
          .isCloseTo(gpu.path("powerWatts").asDouble(), within(1e-9));
      assertThat(PrometheusText.value(series, "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION", 2))
          .isCloseTo(gpu.path("energyJoules").asDouble() * 1000, within(1e-6));
      assertThat(PrometheusText.value(series, "DCGM_FI_DEV_GPU_TEMP", 2))
          .isEqualTo(gpu.path("temperatureCelsius").asDouble());
      assertThat(PrometheusText.value(series, "DCGM_FI_DEV_SM_CLOCK", 2))
          .isEqualTo(gpu.path("smClockMhz").asDouble());
      assertThat(PrometheusText.value(series, "DCGM_FI_DEV_MEM_CLOCK", 2)).isEqualTo(2619.0);
      assertThat(PrometheusText.value(series, "DCGM_FI_DEV_XID_ERRORS", 2)).isEqualTo(48.0);
      assertThat(PrometheusText.value(series, "DCGM_FI_DEV_XID_ERRORS", 0)).isEqualTo(0.0);
      assertThat(PrometheusText.value(series, "DCGM_FI_PROF_PCIE_TX_BYTES", 2))
          .isEqualTo(gpu.path("pcieTxBytesPerSecond").asDouble());
      assertThat(PrometheusText.value(series, "DCGM_FI_PROF_PCIE_RX_BYTES", 2))
          .isEqualTo(gpu.path("pcieRxBytesPerSecond").asDouble());
      assertThat(PrometheusText.value(series, "DCGM_FI_DEV_FAN_SPEED", 2))
          .as("an unsupported metric has no series")
          .isNull();
      assertThat(PrometheusText.value(series, "DCGM_FI_DEV_GPU_UTIL", 1))
          .as("GPU 1 is not the container's")
          .isNull();
      PrometheusText.Series util =
          series.stream()
              .filter(s -> s.name().equals("DCGM_FI_DEV_GPU_UTIL"))
              .filter(s -> s.labels().get("gpu").equals("2"))
              .findFirst()
              .orElseThrow();
      assertThat(util.labels())
          .containsEntry("gpu", "2")
          .containsEntry("UUID", GPU2)
          .containsEntry("device", "nvidia2")
          .containsEntry("modelName", "NVIDIA H100 80GB HBM3 (fake)")
          .containsEntry("pci_bus_id", "00000000:19:00.0")
          .containsEntry("Hostname", "qwen-0")
          .containsEntry("pod", "qwen-0")
          .containsEntry("namespace", "ml")
          .containsEntry("container", "inference");
      assertThat(metrics.body()).contains("# TYPE DCGM_FI_DEV_GPU_UTIL gauge");
      return;
    }
    throw new AssertionError("could not read /metrics between two ticks");
  }

  @Test
  void webSocketSendsHelloHistoryThenOneSampleEvery500Ms() throws Exception {
    exporter.firstSample();
    Thread.sleep(600);
    try (WsRecorder client = new WsRecorder(exporter.port(), "")) {
      WsRecorder.Frame hello = client.next(Duration.ofSeconds(5));
      assertThat(hello.type()).isEqualTo("hello");
      assertThat(hello.json().path("gpus")).hasSize(2);
      WsRecorder.Frame history = client.next(Duration.ofSeconds(5));
      assertThat(history.type()).isEqualTo("history");
      long lastHistorySeq =
          history
              .json()
              .path("samples")
              .path(history.json().path("samples").size() - 1)
              .path("seq")
              .asLong();
      assertThat(lastHistorySeq).isPositive();

      List<WsRecorder.Frame> samples = client.samplesFor(Duration.ofSeconds(5));
      assertThat(samples.size()).isBetween(7, 13);
      assertThat(samples.getFirst().json().path("seq").asLong()).isEqualTo(lastHistorySeq + 1);
      for (int i = 1; i < samples.size(); i++) {
        assertThat(samples.get(i).json().path("seq").asLong())
            .isEqualTo(samples.get(i - 1).json().path("seq").asLong() + 1);
      }
      assertThat(medianIntervalMs(samples)).isCloseTo(500.0, within(50.0));
      assertThat(samples.getLast().json().path("gpus")).hasSize(2);
    }
  }

  static double medianIntervalMs(List<WsRecorder.Frame> samples) {
    List<Double> gaps = new ArrayList<>();
    for (int i = 1; i < samples.size(); i++) {
      gaps.add((samples.get(i).arrivedNanos() - samples.get(i - 1).arrivedNanos()) / 1e6);
    }
    gaps.sort(Double::compare);
    int n = gaps.size();
    return n % 2 == 1 ? gaps.get(n / 2) : (gaps.get(n / 2 - 1) + gaps.get(n / 2)) / 2;
  }
}
