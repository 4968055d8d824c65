package io.qwenops.exporter.server;

import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import io.helidon.websocket.WsUpgradeException;
import io.qwenops.exporter.ExporterOptions;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * {@code /ws/gpu}: one instance per connection. The client may ask for history with {@code
 * ?historySeconds=N} (0 for none); anything it sends afterwards is ignored. With a token
 * configured, the upgrade needs {@code Authorization: Bearer <token>} or {@code
 * ?access_token=<token>} (browsers cannot set headers on a WebSocket).
 */
final class TelemetrySocket implements WsListener {

  private static final Logger LOG = Logger.getLogger(TelemetrySocket.class.getName());

  /** Close code when {@code --max-clients} are connected (RFC 6455: try again later). */
  static final int TOO_MANY_CLIENTS = 1013;

  private final TelemetryHub hub;
  private final ExporterOptions options;
  private final AccessToken token;
  private ClientChannel channel;

  TelemetrySocket(TelemetryHub hub, ExporterOptions options, AccessToken token) {
    this.hub = hub;
    this.options = options;
    this.token = token;
  }

  @Override
  public Optional<Headers> onHttpUpgrade(HttpPrologue prologue, Headers headers) {
    String presented = BearerAuth.presented(headers);
    if (presented == null && prologue.query().contains("access_token")) {
      presented = prologue.query().getRaw("access_token");
    }
    if (token.check(presented) != AccessToken.Verdict.ACCEPTED) {
      // Helidon then serves the request as plain HTTP, where BearerAuth answers 401.
      throw new WsUpgradeException("bearer token missing or invalid");
    }
    return Optional.empty();
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
    ClientChannel candidate = new ClientChannel(session, hub.limits(), hub::disconnect);
    if (hub.connect(candidate, historyMillis)) {
      channel = candidate;
    } else {
      session.close(
          TOO_MANY_CLIENTS, "too many clients (at most " + options.maxClients() + " at once)");
    }
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
