package io.qwenops.inference.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.qwenops.inference.api.ModelSlot;
import io.qwenops.inference.engine.EngineStats;
import io.qwenops.inference.engine.GenerationListener;
import io.qwenops.inference.engine.GenerationRequest;
import io.qwenops.inference.engine.InferenceEngine;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * Failures inside the server reach the client as a generic 500 that names the request id (also in
 * {@code X-Request-Id}); what failed (native error text, file paths) stays in the log. The engine
 * here is a test double that fails on purpose, as the real one cannot on demand (the real engine's
 * failures are in engine/StepFailureTest).
 */
class InternalErrorTest {

  /** What PyTorch says when it fails: none of it may reach a client. */
  private static final String NATIVE =
      "The following operation failed in the TorchScript interpreter. c10::Error at"
          + " /opt/conda/lib/python3.11/site-packages/torch/include/ATen/core/TensorBody.h:247";

  private static final String CHAT = "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]";

  /** Fails every request: by throwing from submit, or by reporting an error from its step. */
  private record FailingEngine(boolean throwOnSubmit) implements InferenceEngine {
    @Override
    public void submit(GenerationRequest request, GenerationListener listener) {
      if (throwOnSubmit) {
        throw new IllegalStateException(NATIVE);
      }
      listener.onError(new RuntimeException(NATIVE));
    }

    @Override
    public void abort(String requestId) {}

    @Override
    public EngineStats stats() {
      return new EngineStats(0, 0, 0, 1, 1, 0, 0, 0, 0, 0);
    }

    @Override
    public int maxModelLen() {
      return 512;
    }

    @Override
    public void close() {}
  }

  /** Log records of the API's loggers while a test runs. */
  private static final class LogCapture extends Handler implements AutoCloseable {
    private final Logger logger = Logger.getLogger("io.qwenops.inference.api");
    final List<LogRecord> records = new CopyOnWriteArrayList<>();

    LogCapture() {
      logger.addHandler(this);
    }

    /** The failure logged for this request id: the detail the client was not shown. */
    Throwable loggedFailure(String requestId) {
      return records.stream()
          .filter(r -> r.getMessage().contains("request_id=" + requestId))
          .map(LogRecord::getThrown)
          .findFirst()
          .orElseThrow(() -> new AssertionError("nothing logged for " + requestId));
    }

    @Override
    public void publish(LogRecord record) {
      records.add(record);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {
      logger.removeHandler(this);
    }
  }

  private static TestServer server(boolean throwOnSubmit) {
    return new TestServer(
        ModelSlot.of(ScriptedEngineCasesTest.model(new FailingEngine(throwOnSubmit))),
        null,
        1 << 20);
  }

  @Test
  void anUnexpectedExceptionIsAGeneric500WithTheRequestId() {
    try (TestServer server = server(true);
        LogCapture log = new LogCapture()) {
      HttpResponse<String> res =
          server.http.post("/v1/chat/completions", CHAT + "}", "X-Request-Id", "client-7");
      assertGeneric500(res, "client-7");
      assertThat(log.loggedFailure("client-7")).hasMessage(NATIVE);
    }
  }

  @Test
  void anEngineFailureIsAGeneric500AndTheIdIsGeneratedWhenTheClientGaveNone() {
    try (TestServer server = server(false);
        LogCapture log = new LogCapture()) {
      HttpResponse<String> res = server.http.post("/v1/completions", "{\"prompt\":\"Hi\"}");
      String id = res.headers().firstValue("X-Request-Id").orElseThrow();
      assertThat(id).matches("[0-9a-f]{32}");
      assertGeneric500(res, id);
      assertThat(log.loggedFailure(id)).hasMessage(NATIVE);
    }
  }

  @Test
  void aStreamedEngineFailureEndsWithTheGenericError() {
    try (TestServer server = server(false)) {
      HttpResponse<String> res =
          server.http.post(
              "/v1/chat/completions", CHAT + ",\"stream\":true}", "X-Request-Id", "stream-9");
      assertThat(res.body()).doesNotContain("c10::").doesNotContain("/opt");
      List<String> events = Http.events(res.body());
      assertThat(events.getLast()).isEqualTo("[DONE]");
      JsonNode error = OpenAiServerTest.parse(events.get(events.size() - 2));
      assertThat(error.at("/error/message").asText())
          .isEqualTo("Internal error (request id stream-9)");
      assertThat(error.at("/error/type").asText()).isEqualTo("internal_error");
    }
  }

  // "c10::", not "c10": a generated hex request id may contain "c10" by chance.
  private static void assertGeneric500(HttpResponse<String> res, String requestId) {
    assertThat(res.statusCode()).as(res.body()).isEqualTo(500);
    assertThat(res.headers().firstValue("X-Request-Id")).hasValue(requestId);
    assertThat(res.body()).doesNotContain("c10::").doesNotContain("/opt").doesNotContain("Torch");
    JsonNode error = Http.json(res).get("error");
    assertThat(error.get("message").asText())
        .isEqualTo("Internal error (request id " + requestId + ")");
    assertThat(error.get("type").asText()).isEqualTo("internal_error");
    assertThat(error.has("param")).isTrue();
    assertThat(error.has("code")).isTrue();
  }
}
