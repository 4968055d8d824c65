package io.qwenops.inference.api.generate;

import io.qwenops.inference.api.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Server-sent events framed as OpenAI frames them: {@code data: <json>\n\n} per chunk and {@code
 * data: [DONE]\n\n} at the end, flushed at once so tokens reach the client as they are made. While
 * nothing else is written (a queued request, a slow step) it sends {@code : ping} comment frames,
 * which SSE clients ignore, so that a client that left is noticed by a failed write.
 */
public final class SseWriter implements Generation.KeepAlive {

  private static final byte[] PREFIX = "data: ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] PING = ": ping\n\n".getBytes(StandardCharsets.US_ASCII);

  private final OutputStream out;
  private long lastWriteNanos = System.nanoTime();

  public SseWriter(OutputStream out) {
    this.out = out;
  }

  public void data(Object chunk) {
    write(PREFIX, Json.bytes(chunk), END);
  }

  /** A named event, as the Responses API frames its stream: {@code event: <name>\ndata: <json>}. */
  public void event(String name, Object data) {
    write(
        ("event: " + name + "\n").getBytes(StandardCharsets.UTF_8), PREFIX, Json.bytes(data), END);
  }

  public void done() {
    write(DONE);
  }

  @Override
  public void keepAlive() {
    if (System.nanoTime() - lastWriteNanos >= Generation.KEEP_ALIVE_NANOS) {
      write(PING);
    }
  }

  private void write(byte[]... parts) {
    try {
      for (byte[] p : parts) {
        out.write(p);
      }
      out.flush();
      lastWriteNanos = System.nanoTime();
    } catch (IOException | RuntimeException e) {
      // Helidon reports a closed socket as IOException or as one of its unchecked exceptions.
      throw new ClientGoneException(e);
    }
  }
}
