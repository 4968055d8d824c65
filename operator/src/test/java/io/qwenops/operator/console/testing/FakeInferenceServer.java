package io.qwenops.operator.console.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A real HTTP server standing in for an inference pod: {@code /health}, {@code /v1/models}, a
 * counted {@code /metrics}, and a chat endpoint whose stream the test controls (send one chunk,
 * then hold until released, or keep streaming until the client goes away).
 */
public final class FakeInferenceServer implements AutoCloseable {

  public final AtomicInteger metricsScrapes = new AtomicInteger();
  public final AtomicReference<String> lastAuthorization = new AtomicReference<>();
  public final AtomicReference<String> lastBody = new AtomicReference<>();
  public final CountDownLatch releaseStream = new CountDownLatch(1);
  public final CountDownLatch streamFinished = new CountDownLatch(1);
  public final CountDownLatch clientWentAway = new CountDownLatch(1);
  public volatile boolean streamUntilClientLeaves;
  public volatile String metricsText = "vllm:num_requests_running{model_name=\"qwen\"} 2.0\n";
  private final HttpServer server;

  public FakeInferenceServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext(
        "/health", ex -> reply(ex, 200, "application/json", "{\"status\":\"ok\"}"));
    server.createContext(
        "/v1/models",
        ex ->
            reply(
                ex,
                200,
                "application/json",
                "{\"object\":\"list\",\"data\":[{\"id\":\"qwen-test\"}]}"));
    server.createContext(
        "/metrics",
        ex -> {
          metricsScrapes.incrementAndGet();
          sleep(100); // a scrape takes a moment, so concurrent askers overlap it
          reply(ex, 200, "text/plain; version=0.0.4", metricsText);
        });
    server.createContext("/v1/chat/completions", this::chat);
    server.start();
  }

  public URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  private void chat(HttpExchange ex) throws IOException {
    lastAuthorization.set(ex.getRequestHeaders().getFirst("Authorization"));
    String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    lastBody.set(body);
    if (body.contains("\"bad\"")) {
      reply(
          ex,
          400,
          "application/json",
          "{\"error\":{\"message\":\"bad request\",\"type\":\"invalid_request_error\"}}");
      return;
    }
    ex.getResponseHeaders().set("Content-Type", "text/event-stream");
    ex.sendResponseHeaders(200, 0);
    OutputStream out = ex.getResponseBody();
    try {
      chunk(out, "{\"choices\":[{\"delta\":{\"content\":\"Hel\"}}]}");
      if (streamUntilClientLeaves) {
        for (int i = 0; i < 400; i++) {
          sleep(25);
          chunk(out, "{\"choices\":[{\"delta\":{\"content\":\"lo\"}}]}");
        }
      } else {
        releaseStream.await(10, TimeUnit.SECONDS);
        chunk(out, "{\"choices\":[{\"delta\":{\"content\":\"lo\"}}]}");
        out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
      }
      out.close();
      streamFinished.countDown();
    } catch (IOException e) {
      clientWentAway.countDown();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      ex.close();
    }
  }

  private static void chunk(OutputStream out, String json) throws IOException {
    out.write(("data: " + json + "\n\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private static void reply(HttpExchange ex, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
