package io.qwenops.exporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qwenops.exporter.visibility.GpuFilterMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExporterOptionsTest {

  @Test
  void defaultsKeepTenMinutesOfHalfSecondSamplesOnPort9400() {
    ExporterOptions defaults = ExporterOptions.DEFAULTS;
    assertThat(defaults.port()).isEqualTo(9400);
    assertThat(defaults.interval()).isEqualTo(Duration.ofMillis(500));
    assertThat(defaults.historySamples()).isEqualTo(1200);
    assertThat(defaults.gpuUuidsFile()).isEqualTo(Path.of("/var/run/qwenops/gpu-uuids"));
    assertThat(defaults.gpuFilter()).isEqualTo(GpuFilterMode.auto);
  }

  @Test
  void refusesAnIntervalBelowTheFloor() {
    assertThatThrownBy(() -> ExporterOptions.parse(new String[] {"--interval-ms", "50"}, Map.of()))
        .isInstanceOf(OptionsException.class)
        .hasMessageContaining("at least 100 ms, got 50");
  }

  @Test
  void flagsBeatEnvironmentWhichBeatsTheFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("exporter.properties");
    Files.writeString(file, "port=7000\ninterval-ms=250\nhistory-minutes=0.5\nclient-queue=8\n");
    ExporterOptions options =
        ExporterOptions.parse(
            new String[] {"--config", file.toString(), "--port=7002"},
            Map.of(
                "QWENOPS_EXPORTER_PORT", "7001",
                "QWENOPS_EXPORTER_INTERVAL_MS", "200",
                "POD_NAME", "qwen-0",
                "POD_NAMESPACE", "ml",
                "NODE_NAME", "gpu-node-3",
                "QWENOPS_GPU_UUIDS", "GPU-aa,GPU-bb"));
    assertThat(options.port()).isEqualTo(7002);
    assertThat(options.interval()).isEqualTo(Duration.ofMillis(200));
    assertThat(options.history()).isEqualTo(Duration.ofSeconds(30));
    assertThat(options.clientQueue()).isEqualTo(8);
    assertThat(options.identity().pod()).isEqualTo("qwen-0");
    assertThat(options.identity().namespace()).isEqualTo("ml");
    assertThat(options.identity().node()).isEqualTo("gpu-node-3");
    assertThat(options.identity().inPod()).isTrue();
    assertThat(options.gpuUuids()).isEqualTo("GPU-aa,GPU-bb");
  }

  @Test
  void badInputNamesTheOption(@TempDir Path dir) throws Exception {
    assertThatThrownBy(() -> ExporterOptions.parse(new String[] {"--port", "http"}, Map.of()))
        .hasMessageContaining("--port")
        .hasMessageContaining("'http'");
    assertThatThrownBy(() -> ExporterOptions.parse(new String[] {"--prot", "1"}, Map.of()))
        .hasMessageContaining("unknown option --prot");
    assertThatThrownBy(() -> ExporterOptions.parse(new String[] {"--port"}, Map.of()))
        .hasMessageContaining("--port needs a value");
    assertThatThrownBy(() -> ExporterOptions.parse(new String[] {"--gpu-filter", "x"}, Map.of()))
        .hasMessageContaining("auto, on or off");
    Path file = dir.resolve("bad.properties");
    Files.writeString(file, "prot=1\n");
    assertThatThrownBy(
            () -> ExporterOptions.parse(new String[] {"--config", file.toString()}, Map.of()))
        .hasMessageContaining("unknown key 'prot'");
    assertThatThrownBy(
            () ->
                ExporterOptions.parse(
                    new String[] {"--config", dir.resolve("missing").toString()}, Map.of()))
        .hasMessageContaining("cannot read config file");
  }

  @Test
  void helpListsEveryFlagWithItsEnvironmentVariable() {
    String help = ExporterOptions.help();
    for (OptionSpec spec : OptionSpec.ALL) {
      assertThat(help).contains(spec.flag()).contains(spec.env());
    }
    assertThat(help).contains("--port").contains("--interval-ms").contains("--history-minutes");
    assertThat(ExporterOptions.wantsHelp(new String[] {"--help"})).isTrue();
  }
}
