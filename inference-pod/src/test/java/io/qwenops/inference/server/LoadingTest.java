package io.qwenops.inference.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.qwenops.inference.api.ModelSlot;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server listens before the model is loaded: readiness says 503 until it is, liveness stays up;
 * a failed load keeps both at 503, and says why only in the log.
 */
class LoadingTest {

  @TempDir Path dir;

  @Test
  void healthIs503WhileLoadingAnd200WhenReady() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Path uuids = dir.resolve("gpus");
    ModelLoader gated =
        options -> {
          release.await(60, TimeUnit.SECONDS);
          // The model the other tests use, already loaded: this test is about the server's states.
          return new ModelLoader.Loaded(TinyModel.model(), true, () -> {});
        };
    Main.RunningServer server =
        Main.start(
            TinyModel.options(null),
            gated,
            Map.of(
                GpuUuidsFile.FILE_ENV,
                uuids.toString(),
                GpuUuidsFile.DEVICES_ENV,
                "GPU-8f6e2c1a-0000-1111-2222-333344445555"));
    try {
      Http http = new Http(server.port());
      assertThat(http.get("/health").statusCode()).isEqualTo(503);
      assertThat(Http.json(http.get("/health")).get("status").asText()).isEqualTo("loading");
      assertThat(http.get("/health/live").statusCode()).isEqualTo(200);
      OpenAiServerTest.assertError(
          http.get("/v1/models"), 503, "service_unavailable", null, "loading");
      assertThat(http.get("/metrics").body())
          .contains("vllm:num_requests_running{model_name=\"qwen-tiny\"} 0.0");
      release.countDown();
      TinyModel.awaitReady(server.slot());
      assertThat(http.get("/health").statusCode()).isEqualTo(200);
      assertThat(http.get("/v1/models").statusCode()).isEqualTo(200);
      assertThat(Files.readString(uuids)).isEqualTo("GPU-8f6e2c1a-0000-1111-2222-333344445555\n");
    } finally {
      server.server().stop();
    }
  }

  @Test
  void aFailedLoadKeepsHealthDownWithoutTellingWhy() throws Exception {
    Main.RunningServer server =
        Main.start(
            TinyModel.options(null),
            options -> {
              throw new java.io.IOException("No config.json in /nowhere");
            },
            Map.of());
    try {
      server.loading().join(30_000);
      assertThat(server.slot().state()).isEqualTo(ModelSlot.State.FAILED);
      Http http = new Http(server.port());
      assertThat(http.get("/health").statusCode()).isEqualTo(503);
      assertThat(http.get("/health/live").statusCode()).isEqualTo(503);
      // Health is unauthenticated: the state only; the path and the exception are in the log.
      assertThat(Http.json(http.get("/health")).get("status").asText()).isEqualTo("failed");
      assertThat(http.get("/health").body()).doesNotContain("nowhere").doesNotContain("config");
      assertThat(http.get("/health/live").body()).doesNotContain("nowhere");
      HttpResponse<String> models = http.get("/v1/models");
      OpenAiServerTest.assertError(models, 503, "service_unavailable", null, "failed to load");
      assertThat(models.body()).doesNotContain("nowhere");
      assertThat(server.slot().failure()).contains("No config.json in /nowhere");
    } finally {
      server.stop();
    }
  }
}
