package io.qwenops.inference.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.helidon.webserver.WebServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hf://owner/name@revision} (what the operator passes for a Hugging Face source) downloads
 * the checkpoint once into the model cache. A local HTTP server plays the Hub's two endpoints
 * (model info, file resolve), since the Hub cannot be reached from here.
 */
class ModelLocationTest {

  static WebServer hub;
  static final AtomicInteger downloads = new AtomicInteger();
  @TempDir Path cache;

  @BeforeAll
  static void startHub() {
    Path source = TinyModel.checkpoint();
    hub =
        WebServer.builder()
            .host("127.0.0.1")
            .port(0)
            .routing(
                r ->
                    r.get(
                            "/api/models/{owner}/{name}/revision/{rev}",
                            (req, res) -> {
                              StringBuilder siblings = new StringBuilder();
                              try (Stream<Path> files = Files.list(source)) {
                                for (Path f : files.toList()) {
                                  siblings
                                      .append(siblings.isEmpty() ? "" : ",")
                                      .append("{\"rfilename\":\"")
                                      .append(f.getFileName())
                                      .append("\"}");
                                }
                              }
                              siblings.append(",{\"rfilename\":\"README.md\"}");
                              res.header("Content-Type", "application/json");
                              res.send("{\"siblings\":[" + siblings + "]}");
                            })
                        .get(
                            "/{owner}/{name}/resolve/{rev}/{file}",
                            (req, res) -> {
                              if (!req.headers()
                                  .first(io.helidon.http.HeaderNames.AUTHORIZATION)
                                  .orElse("")
                                  .equals("Bearer hf_test")) {
                                res.status(401).send("gated");
                                return;
                              }
                              downloads.incrementAndGet();
                              String file = req.path().pathParameters().get("file");
                              res.send(Files.readAllBytes(source.resolve(file)));
                            }))
            .build()
            .start();
  }

  @AfterAll
  static void stopHub() {
    hub.stop();
  }

  Map<String, String> env(String token) {
    return token == null
        ? Map.of(
            "QWENOPS_MODEL_CACHE_DIR",
            cache.toString(),
            "HF_ENDPOINT",
            "http://127.0.0.1:" + hub.port())
        : Map.of(
            "QWENOPS_MODEL_CACHE_DIR",
            cache.toString(),
            "HF_ENDPOINT",
            "http://127.0.0.1:" + hub.port(),
            "HF_TOKEN",
            token);
  }

  @Test
  void downloadsOnceIntoTheCacheAndServesUnderTheRepoId() throws Exception {
    int before = downloads.get();
    Path dir = ModelLocation.resolve("hf://qwenops/qwen-tiny@main", env("hf_test"));
    assertThat(dir).startsWith(cache);
    for (String file :
        List.of("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json")) {
      assertThat(Files.mismatch(dir.resolve(file), TinyModel.checkpoint().resolve(file)))
          .isEqualTo(-1);
    }
    assertThat(dir.resolve("README.md")).doesNotExist();
    int fetched = downloads.get() - before;
    assertThat(ModelLocation.resolve("hf://qwenops/qwen-tiny@main", env("hf_test"))).isEqualTo(dir);
    assertThat(downloads.get() - before).isEqualTo(fetched);

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
    Main.RunningServer server = Main.start(options, new QwenModelLoader(env("hf_test")), Map.of());
    try {
      TinyModel.awaitReady(server.slot());
      Http http = new Http(server.port());
      assertThat(Http.json(http.get("/v1/models")).get("data").get(0).get("id").asText())
          .isEqualTo("qwenops/qwen-tiny");
    } finally {
      server.stop();
    }
  }

  @Test
  void aGatedModelWithoutTokenSaysWhy() {
    assertThatThrownBy(() -> ModelLocation.resolve("hf://qwenops/qwen-tiny@main", env(null)))
        .isInstanceOf(IOException.class)
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
