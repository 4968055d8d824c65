package io.qwenops.operator.console.deployments;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.qwenops.operator.console.access.AccessGate;
import io.qwenops.operator.console.access.Viewer;
import io.qwenops.operator.console.http.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * {@code GET /api/deployments} and its SSE twin {@code /api/deployments/events}: the deployments
 * the viewer may see, from memory. Each SSE stream waits on the source's version and sends the full
 * list when it changes, with a comment ping every 15 s so proxies and browsers see a live stream.
 */
public final class DeploymentsService implements HttpService {

  public record DeploymentList(List<DeploymentView> deployments) {}

  static final Duration PING = Duration.ofSeconds(15);

  private final DeploymentSource source;

  public DeploymentsService(DeploymentSource source) {
    this.source = source;
  }

  @Override
  public void routing(HttpRules rules) {
    rules.get("/", this::list).get("/events", this::events);
  }

  private DeploymentList visible(Viewer viewer) {
    return new DeploymentList(
        source.deployments().stream()
            .filter(d -> viewer.mayGet(d.namespace(), d.name()))
            .map(ConsoleDeployment::view)
            .toList());
  }

  private void list(ServerRequest req, ServerResponse res) {
    Json.send(res, visible(AccessGate.viewer(req)));
  }

  private void events(ServerRequest req, ServerResponse res) {
    Viewer viewer = AccessGate.viewer(req);
    res.header(HeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
    res.header(HeaderNames.CACHE_CONTROL, "no-cache");
    try (OutputStream out = res.outputStream()) {
      long seen = source.version();
      String last = null;
      while (true) {
        String list = Json.write(visible(viewer));
        if (!list.equals(last)) {
          write(out, "event: deployments\ndata: " + list + "\n\n");
          last = list;
        } else {
          write(out, ": ping\n\n");
        }
        long next = source.awaitChange(seen, PING);
        seen = next;
      }
    } catch (IOException | UncheckedIOException e) {
      // The browser went away.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void write(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }
}
