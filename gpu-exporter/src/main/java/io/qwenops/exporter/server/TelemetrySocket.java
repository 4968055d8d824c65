package io.qwenops.exporter.server;

import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import io.qwenops.exporter.ExporterOptions;
import java.util.logging.Logger;

/**
 * {@code /ws/gpu}: one instance per connection. The client may ask for history with {@code
 * ?historySeconds=N} (0 for none); anything it sends afterwards is ignored.
 */
final class TelemetrySocket implements WsListener {

  private static final Logger LOG = Logger.getLogger(TelemetrySocket.class.getName());

  private final TelemetryHub hub;
  private final ExporterOptions options;
  private ClientChannel channel;

  TelemetrySocket(TelemetryHub hub, ExporterOptions options) {
    this.hub = hub;
    this.options = options;
  }

  @Override
  public void onOpen(WsSession session) {
    long historyMillis = options.connectHistory().toMillis();
    var query = session.prologue().query();
    if (query.contains("historySeconds")) {
      String raw = query.getRaw("historySeconds");
      try {
        historyMillis =
            Math.max(0, Math.min(Long.parseLong(raw), options.history().toSeconds())) * 1000;
      } catch (NumberFormatException e) {
        LOG.fine("ignoring historySeconds=" + raw);
      }
    }
    channel =
        new ClientChannel(session, options.clientQueue(), options.pingInterval(), hub::disconnect);
    hub.connect(channel, historyMillis);
  }

  @Override
  public void onClose(WsSession session, int status, String reason) {
    disconnect();
  }

  @Override
  public void onError(WsSession session, Throwable t) {
    disconnect();
  }

  private void disconnect() {
    if (channel != null) {
      hub.disconnect(channel);
    }
  }
}
