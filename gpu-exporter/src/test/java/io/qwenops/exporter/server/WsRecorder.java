package io.qwenops.exporter.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A real WebSocket client (java.net.http) that records every text frame with its arrival time. */
final class WsRecorder implements WebSocket.Listener, AutoCloseable {

  static final ObjectMapper JSON = new ObjectMapper();

  /** A frame and when it arrived (System.nanoTime). */
  record Frame(JsonNode json, long arrivedNanos) {
    String type() {
      return json.path("type").asText();
    }
  }

  private final BlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
  private final StringBuilder partial = new StringBuilder();
  private final WebSocket socket;

  WsRecorder(int port, String query) {
    this.socket =
        HttpClient.newHttpClient()
            .newWebSocketBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws/gpu" + query), this)
            .join();
  }

  @Override
  public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
    partial.append(data);
    if (last) {
      long now = System.nanoTime();
      try {
        frames.add(new Frame(JSON.readTree(partial.toString()), now));
      } catch (Exception e) {
        throw new AssertionError("not JSON: " + partial, e);
      }
      partial.setLength(0);
    }
    webSocket.request(1);
    return null;
  }

  /** The next frame, failing the test if none arrives in time. */
  Frame next(Duration timeout) throws InterruptedException {
    Frame frame = frames.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (frame == null) {
      throw new AssertionError("no frame within " + timeout);
    }
    return frame;
  }

  /** The next frame of {@code type}, skipping others. */
  Frame next(String type, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Frame frame = next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
      if (frame.type().equals(type)) {
        return frame;
      }
    }
  }

  /** The frames received so far and not yet taken. */
  List<Frame> drain() {
    List<Frame> pending = new ArrayList<>();
    frames.drainTo(pending);
    return pending;
  }

  /** Every {@code sample} frame arriving within {@code window}. */
  List<Frame> samplesFor(Duration window) throws InterruptedException {
    List<Frame> samples = new ArrayList<>();
    long deadline = System.nanoTime() + window.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return samples;
      }
      Frame frame = frames.poll(left, TimeUnit.NANOSECONDS);
      if (frame != null && frame.type().equals("sample")) {
        samples.add(frame);
      }
    }
  }

  @Override
  public void close() {
    socket.abort();
  }
}
