package io.qwenops.inference.api.generate;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerResponse;
import io.qwenops.inference.api.ApiException;
import io.qwenops.inference.api.ErrorResponses;
import io.qwenops.inference.api.Json;
import java.io.IOException;
import java.io.OutputStream;

/**
 * A non-streaming JSON answer that notices a client who leaves while it is being generated. Helidon
 * SE tells a handler that its connection closed only through a failed write, so once the answer has
 * taken {@link Generation#KEEP_ALIVE_NANOS} the status line and headers are sent and a space
 * follows every interval: whitespace before a JSON value is still the same JSON to every parser,
 * and the first write after the client left fails. A quick answer is sent plainly.
 */
public final class JsonReply implements Generation.KeepAlive {

  private final ServerResponse res;
  private final long startNanos = System.nanoTime();
  private long lastWriteNanos = startNanos;
  private OutputStream out;

  public JsonReply(ServerResponse res) {
    this.res = res;
  }

  @Override
  public void keepAlive() {
    if (System.nanoTime() - lastWriteNanos < Generation.KEEP_ALIVE_NANOS) {
      return;
    }
    if (out == null) {
      res.header(HeaderNames.CONTENT_TYPE, "application/json");
      out = res.outputStream();
    }
    write(new byte[] {' '});
  }

  public void send(Object body) {
    byte[] bytes = Json.bytes(body);
    if (out == null) {
      res.header(HeaderNames.CONTENT_TYPE, "application/json");
      res.send(bytes);
      return;
    }
    write(bytes);
    try {
      out.close();
    } catch (IOException | RuntimeException e) {
      throw new ClientGoneException(e);
    }
  }

  /**
   * An error found while generating: the usual error response if nothing was sent yet; after the
   * headers went out (status 200) the error body takes the place of the answer.
   */
  public void fail(ApiException e) {
    if (out == null) {
      throw e;
    }
    send(ErrorResponses.body(e));
  }

  private void write(byte[] bytes) {
    try {
      out.write(bytes);
      out.flush();
      lastWriteNanos = System.nanoTime();
    } catch (IOException | RuntimeException e) {
      throw new ClientGoneException(e);
    }
  }
}
