package io.qwenops.inference.api.generate;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerResponse;

/** Response headers of an event stream. */
public final class SseResponses {

  private SseResponses() {}

  public static void prepare(ServerResponse res) {
    res.header(HeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
    res.header(HeaderNames.CACHE_CONTROL, "no-cache");
    // Proxies such as nginx would otherwise buffer the stream and defeat token-by-token delivery.
    res.header("X-Accel-Buffering", "no");
  }
}
