package io.qwenops.inference.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.qwenops.inference.hub.FakeHub;
import io.qwenops.inference.hub.HubException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hf://owner/name@revision} (what the operator passes for a Hugging Face source) is
 * downloaded into the Hugging Face cache and served; {@code /health} shows the download's progress
 * meanwhile. A local stand-in plays the Hub ({@link FakeHub}), since the Hub cannot be reached from
 * here.
 */
class ModelLocationTest {

  static final String COMMIT = "c".repeat(40);
  static FakeHub hub;
  @TempDir Path home;

  @BeforeAll
  static void startHub() throws IOException {
    hub = new FakeHub();
    hub.requiredToken = "hf_test";
    Map<String, byte[]> files = new LinkedHashMap<>();
    try (Stream<Path> list = Files.list(TinyModel.checkpoint())) {
      for (Path f : list.toList()) {
        files.put(f.getFileName().toString(), Files.readAllBytes(f));
      }
    }
    files.put("README.md", "# tiny".getBytes());
    hub.publish("qwenops/qwen-tiny", "main", COMMIT, files);
  }

  @AfterAll
  static void stopHub() {
    hub.close();
  }

  Map<String, String> env(String token) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("HF_HOME", home.toString());
    env.put("HF_ENDPOINT", hub.endpoint());
    if (token != null) {
      env.put("HF_TOKEN", token);
    }
    return env;
  }

  @Test
  void downloadsIntoTheHubCacheShowsProgressInHealthAndServesUnderTheRepoId() throws Exception {
    ServerOptions options =
        ServerOptions.parse(
            new String[] {
              "--port",
              "0",
              "--host",
              "127.0.0.1",
              "--device",
              "cpu",
              "--kv-cache-memory",
              "8MiB",
              "--max-model-len",
              "128"
            },
            Map.of("QWENOPS_MODEL", "hf://qwenops/qwen-tiny@main"));
    assertThat(options.servedModelName()).isEqualTo("qwenops/qwen-tiny");
    hub.millisPerChunk = 20;
    Main.RunningServer server = Main.start(options, new QwenModelLoader(env("hf_test")), Map.of());
    try {
      Http http = new Http(server.port());
      JsonNode loading = null;
      for (int i = 0; i < 400 && loading == null; i++) {
        JsonNode health = Http.json(http.get("/health"));
        if (health.path("loading").path("phase").asText().equals("downloading")
            && health.path("loading").path("bytesDone").asLong() > 0) {
          loading = health.get("loading");
        }
        Thread.sleep(10);
      }
      assertThat(loading).as("/health shows the download while it runs").isNotNull();
      assertThat(loading.get("bytesTotal").asLong())
          .isGreaterThan(loading.get("bytesDone").asLong());
      assertThat(loading.get("percent").asDouble()).isBetween(0.0, 100.0);
      assertThat(loading.toString()).doesNotContain(home.toString());
      hub.millisPerChunk = 0;
      TinyModel.awaitReady(server.slot());
      assertThat(Http.json(http.get("/health")).has("loading")).isFalse();
      assertThat(Http.json(http.get("/v1/models")).get("data").get(0).get("id").asText())
          .isEqualTo("qwenops/qwen-tiny");
    } finally {
      hub.millisPerChunk = 0;
      server.stop();
    }
    Path snapshot = home.resolve("hub/models--qwenops--qwen-tiny/snapshots").resolve(COMMIT);
    for (String file :
        List.of("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json")) {
      assertThat(Files.mismatch(snapshot.resolve(file), TinyModel.checkpoint().resolve(file)))
          .isEqualTo(-1);
    }
    assertThat(snapshot.resolve("README.md")).doesNotExist();
    int served = hub.served.size();
    assertThat(ModelLocation.resolve("hf://qwenops/qwen-tiny@main", env("hf_test")))
        .isEqualTo(snapshot);
    assertThat(hub.served).as("the second start downloads nothing").hasSize(served);
  }

  @Test
  void aGatedModelWithoutTokenSaysWhy() {
    assertThatThrownBy(() -> ModelLocation.resolve("hf://qwenops/qwen-tiny@main", env(null)))
        .isInstanceOf(HubException.class)
        .hasMessageContaining("401")
        .hasMessageContaining("HF_TOKEN");
  }

  @Test
  void localPathsStayAsTheyAre() throws IOException {
    assertThat(ModelLocation.resolve("/models/x/../y", Map.of())).isEqualTo(Path.of("/models/y"));
    assertThat(ModelLocation.defaultServedName("/models/Qwen2.5-0.5B-Instruct/"))
        .isEqualTo("Qwen2.5-0.5B-Instruct");
    assertThatThrownBy(() -> ModelLocation.resolve("hf://bad name", Map.of()))
        .isInstanceOf(UsageException.class);
  }
}
