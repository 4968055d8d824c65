package io.qwenops.inference.api.generate;

import io.qwenops.inference.api.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Server-sent events framed as OpenAI frames them: {@code data: <json>\n\n} per chunk and {@code
 * data: [DONE]\n\n} at the end, flushed at once so tokens reach the client as they are made.
 */
public final class SseWriter {

  /** The client closed the connection; the caller aborts the generation. */
  public static final class ClientGoneException extends RuntimeException {
    ClientGoneException(Throwable cause) {
      super("client disconnected", cause);
    }
  }

  private static final byte[] PREFIX = "data: ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);

  private final OutputStream out;

  public SseWriter(OutputStream out) {
    this.out = out;
  }

  public void data(Object chunk) {
    write(PREFIX, Json.bytes(chunk), END);
  }

  public void done() {
    write(DONE);
  }

  private void write(byte[]... parts) {
    try {
      for (byte[] p : parts) {
        out.write(p);
      }
      out.flush();
    } catch (IOException | RuntimeException e) {
      // Helidon reports a closed socket as IOException or as one of its unchecked exceptions.
      throw new ClientGoneException(e);
    }
  }
}
