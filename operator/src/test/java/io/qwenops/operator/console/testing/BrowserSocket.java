package io.qwenops.operator.console.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.qwenops.operator.console.http.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/** A browser's {@code /ws/telemetry} connection: every message it receives, in order. */
public final class BrowserSocket implements AutoCloseable {

  public final BlockingQueue<String> received = new LinkedBlockingQueue<>();
  public final AtomicInteger closeCode = new AtomicInteger(-1);
  private final WebSocket socket;

  public BrowserSocket(HttpClient http, URI uri) {
    socket =
        http.newWebSocketBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .buildAsync(
                uri,
                new WebSocket.Listener() {
                  private final StringBuilder partial = new StringBuilder();

                  @Override
                  public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                    partial.append(data);
                    if (last) {
                      received.add(partial.toString());
                      partial.setLength(0);
                    }
                    ws.request(1);
                    return null;
                  }

                  @Override
                  public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
                    closeCode.set(code);
                    return null;
                  }
                })
            .join();
  }

  public void send(String text) {
    socket.sendText(text, true).join();
  }

  public void subscribe(String namespace, String pod) {
    send(
        "{\"type\":\"subscribe\",\"pods\":[{\"namespace\":\""
            + namespace
            + "\",\"pod\":\""
            + pod
            + "\"}],\"historySeconds\":300}");
  }

  /** The next message matching {@code wanted}, skipping others; fails after the timeout. */
  public JsonNode await(Predicate<JsonNode> wanted, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      String text = received.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
      if (text == null) {
        throw new AssertionError("no matching message within " + timeout);
      }
      JsonNode node = Json.read(text);
      if (wanted.test(node)) {
        return node;
      }
    }
  }

  public static Predicate<JsonNode> status(String state) {
    return n -> n.path("type").asText().equals("status") && n.path("state").asText().equals(state);
  }

  public static Predicate<JsonNode> frame(String type) {
    return n ->
        n.path("type").asText().equals("frame")
            && n.path("frame").path("type").asText().equals(type);
  }

  @Override
  public void close() {
    socket.abort();
  }
}
