package io.qwenops.inference.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerOptionsTest {

  @TempDir Path dir;

  @Test
  void theOperatorsEnvironmentConfiguresEverything() {
    Map<String, String> env =
        Map.ofEntries(
            Map.entry("QWENOPS_MODEL", "/models/qwen2.5-0.5b-instruct"),
            Map.entry("QWENOPS_SERVED_MODEL_NAME", "qwen"),
            Map.entry("QWENOPS_DTYPE", "float16"),
            Map.entry("QWENOPS_DEVICE", "cuda"),
            Map.entry("QWENOPS_MAX_MODEL_LEN", "4096"),
            Map.entry("QWENOPS_MAX_NUM_SEQS", "32"),
            Map.entry("QWENOPS_MAX_NUM_BATCHED_TOKENS", "2048"),
            Map.entry("QWENOPS_GPU_MEMORY_UTILIZATION", "0.85"),
            Map.entry("QWENOPS_API_KEY", "sk-test"),
            Map.entry("QWENOPS_PORT", "9000"));
    ServerOptions o = ServerOptions.parse(new String[0], env);
    assertThat(o.model()).isEqualTo("/models/qwen2.5-0.5b-instruct");
    assertThat(o.servedModelName()).isEqualTo("qwen");
    assertThat(o.dtype()).isEqualTo("float16");
    assertThat(o.device()).isEqualTo("cuda");
    assertThat(o.maxModelLen()).isEqualTo(4096);
    assertThat(o.maxNumSeqs()).isEqualTo(32);
    assertThat(o.maxNumBatchedTokens()).isEqualTo(2048);
    assertThat(o.gpuMemoryUtilization()).isEqualTo(0.85);
    assertThat(o.apiKey()).isEqualTo("sk-test");
    assertThat(o.port()).isEqualTo(9000);
    assertThat(o.host()).isEqualTo("0.0.0.0");
  }

  @Test
  void requestFanOutLimitsHaveDefaultsAndFlags() {
    Map<String, String> env = Map.of("QWENOPS_MODEL", "/m/x");
    ServerOptions defaults = ServerOptions.parse(new String[0], env);
    assertThat(defaults.requestLimits())
        .isEqualTo(io.qwenops.inference.api.wire.RequestLimits.defaults());
    ServerOptions set =
        ServerOptions.parse(
            new String[] {"--max-prompts-per-request", "8", "--max-choices-per-request=32"}, env);
    assertThat(set.requestLimits().maxPrompts()).isEqualTo(8);
    assertThat(set.requestLimits().maxChoices()).isEqualTo(32);
    assertThatThrownBy(
            () -> ServerOptions.parse(new String[] {"--max-choices-per-request", "0"}, env))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("--max-choices-per-request");
  }

  @Test
  void flagsBeatEnvBeatFileAndNameDefaultsToTheDirectory() throws IOException {
    Path file = dir.resolve("server.yaml");
    Files.writeString(
        file,
        "qwenops:\n  model: /m/from-file\n  port: 7000\n  max-num-seqs: 4\n  kv-cache-memory: 2GiB\n");
    ServerOptions o =
        ServerOptions.parse(
            new String[] {"--config", file.toString(), "--port=7100"},
            Map.of("QWENOPS_MODEL", "/m/from-env"));
    assertThat(o.model()).isEqualTo("/m/from-env");
    assertThat(o.servedModelName()).isEqualTo("from-env");
    assertThat(o.port()).isEqualTo(7100);
    assertThat(o.maxNumSeqs()).isEqualTo(4);
    assertThat(o.kvCacheBytes()).isEqualTo(2L << 30);
    assertThat(o.maxRequestBytes()).isEqualTo(8L << 20);
  }

  @Test
  void badInputIsAUsageErrorThatNamesTheOption() {
    assertThatThrownBy(() -> ServerOptions.parse(new String[] {"--nope", "1"}, Map.of()))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("--nope");
    assertThatThrownBy(
            () -> ServerOptions.parse(new String[] {"--model", "/m", "--port", "x"}, Map.of()))
        .hasMessageContaining("--port");
    assertThatThrownBy(() -> ServerOptions.parse(new String[0], Map.of()))
        .hasMessageContaining("QWENOPS_MODEL");
  }

  @Test
  void helpListsEveryFlagAndEnvVar() {
    assertThat(ServerOptions.parse(new String[] {"--help"}, Map.of()).help()).isTrue();
    String help = ServerOptions.helpText();
    for (ServerOption o : ServerOption.values()) {
      assertThat(help).contains("--" + o.flag()).contains(o.env());
    }
  }

  @Test
  void gpuUuidsAreWrittenOnePerLine() throws IOException {
    Path file = dir.resolve("run/gpus");
    var written =
        GpuUuidsFile.write(
            Map.of(
                "QWENOPS_GPU_UUIDS_FILE",
                file.toString(),
                "NVIDIA_VISIBLE_DEVICES",
                "GPU-1111-aaaa,GPU-2222-bbbb"));
    assertThat(written).hasSize(2);
    assertThat(Files.readString(file)).isEqualTo("GPU-1111-aaaa\nGPU-2222-bbbb\n");
    assertThat(
            GpuUuidsFile.write(
                Map.of(
                    "QWENOPS_GPU_UUIDS_FILE",
                    dir.resolve("x").toString(),
                    "NVIDIA_VISIBLE_DEVICES",
                    "all")))
        .isEmpty();
    assertThat(dir.resolve("x")).doesNotExist();
  }

  @Test
  void logprobsModeIsVllmsFlagWithRawLogprobsByDefault() {
    Map<String, String> env = Map.of("QWENOPS_MODEL", "/m");
    assertThat(ServerOptions.parse(new String[0], env).logprobsMode())
        .isEqualTo(io.qwenops.inference.engine.LogprobsMode.RAW_LOGPROBS);
    assertThat(
            ServerOptions.parse(new String[] {"--logprobs-mode", "processed_logits"}, env)
                .logprobsMode())
        .isEqualTo(io.qwenops.inference.engine.LogprobsMode.PROCESSED_LOGITS);
    assertThatThrownBy(
            () -> ServerOptions.parse(new String[] {"--logprobs-mode", "processed"}, env))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("--logprobs-mode")
        .hasMessageContaining("raw_logprobs, raw_logits, processed_logprobs or processed_logits");
  }
}
