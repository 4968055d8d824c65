package io.qwenops.inference.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.qwenops.inference.api.ModelSlot;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** With an API key, /v1/* needs it; health and metrics stay open for probes and scrapers. */
class ApiKeyTest {

  static TestServer server;

  @BeforeAll
  static void start() {
    server = new TestServer(ModelSlot.of(TinyModel.model()), "sk-secret", 1 << 20);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void missingOrWrongKeyIs401() {
    OpenAiServerTest.assertError(
        server.http.get("/v1/models"), 401, "invalid_request_error", null, "Missing API key");
    OpenAiServerTest.assertError(
        server.http.get("/v1/models", "Authorization", "Bearer sk-wrong"),
        401,
        "invalid_request_error",
        null,
        "Incorrect API key");
    OpenAiServerTest.assertError(
        server.http.post("/v1/completions", "{\"prompt\":\"Hi\"}"),
        401,
        "invalid_request_error",
        null,
        "API key");
  }

  @Test
  void theRightKeyPasses() {
    assertThat(server.http.get("/v1/models", "Authorization", "Bearer sk-secret").statusCode())
        .isEqualTo(200);
  }

  @Test
  void healthAndMetricsNeedNoKey() {
    assertThat(server.http.get("/health").statusCode()).isEqualTo(200);
    assertThat(server.http.get("/health/live").statusCode()).isEqualTo(200);
    assertThat(server.http.get("/metrics").statusCode()).isEqualTo(200);
  }
}
