package io.qwenops.operator.console.telemetry;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import io.qwenops.operator.console.access.AccessMode;
import io.qwenops.operator.console.access.Authenticator;
import io.qwenops.operator.console.access.Viewer;
import io.qwenops.operator.console.http.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code WS /ws/telemetry}: one instance per browser. Browsers cannot set headers on a WebSocket,
 * so the token comes as {@code ?access_token=}; a refused one closes with 4401. Each text message
 * must be a {@code subscribe}.
 */
public final class TelemetrySocket implements WsListener {

  public static final int UNAUTHORIZED = 4401;
  static final int QUEUE_FRAMES = 256;

  private final TelemetryHub hub;
  private final Authenticator authenticator;
  private final StringBuilder partial = new StringBuilder();
  private BrowserChannel channel;
  private Viewer viewer;

  public TelemetrySocket(TelemetryHub hub, Authenticator authenticator) {
    this.hub = hub;
    this.authenticator = authenticator;
  }

  @Override
  public void onOpen(WsSession session) {
    var query = session.prologue().query();
    String token = query.contains("access_token") ? query.getRaw("access_token") : null;
    Optional<Viewer> admitted;
    try {
      admitted = authenticator.authenticate(token);
    } catch (RuntimeException e) {
      admitted = Optional.empty();
    }
    if (admitted.isEmpty() && authenticator.mode() != AccessMode.NONE) {
      session.close(UNAUTHORIZED, "unauthorized");
      return;
    }
    viewer = admitted.orElse(Viewer.EVERYONE);
    channel = new BrowserChannel(session, QUEUE_FRAMES, hub.deliveryTimes(), hub::disconnect);
  }

  @Override
  public void onMessage(WsSession session, String text, boolean last) {
    partial.append(text);
    if (!last || channel == null) {
      return;
    }
    String message = partial.toString();
    partial.setLength(0);
    try {
      JsonNode node = Json.read(message);
      if (!"subscribe".equals(node.path("type").asText())) {
        channel.offer(TelemetryFrames.error("expected {\"type\": \"subscribe\", \"pods\": [...]}"));
        return;
      }
      List<PodKey> pods = new ArrayList<>();
      for (JsonNode pod : node.path("pods")) {
        String ns = pod.path("namespace").asText("");
        String name = pod.path("pod").asText("");
        if (ns.isEmpty() || name.isEmpty()) {
          channel.offer(TelemetryFrames.error("each pod needs a namespace and a pod name"));
          return;
        }
        pods.add(new PodKey(ns, name));
      }
      long history = node.path("historySeconds").asLong(TelemetryHub.DEFAULT_HISTORY_SECONDS);
      hub.subscribe(channel, viewer, pods, history);
    } catch (Exception e) {
      channel.offer(TelemetryFrames.error("not a subscribe message: " + e.getMessage()));
    }
  }

  @Override
  public void onClose(WsSession session, int status, String reason) {
    if (channel != null) {
      hub.disconnect(channel);
    }
  }

  @Override
  public void onError(WsSession session, Throwable t) {
    if (channel != null) {
      hub.disconnect(channel);
    }
  }
}
