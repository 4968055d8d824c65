package io.qwenops.operator.console.chat;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.qwenops.operator.console.access.AccessGate;
import io.qwenops.operator.console.deployments.ConsoleDeployment;
import io.qwenops.operator.console.deployments.DeploymentSource;
import io.qwenops.operator.console.http.ApiError;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/deployments/{ns}/{name}/v1/chat/completions} and {@code GET .../v1/models},
 * proxied to the deployment's Service with its API key added. The answer is copied through as bytes
 * arrive and flushed after each read, so SSE tokens reach the browser as the engine makes them;
 * when a write to the browser fails (it aborted the fetch) the upstream body is closed, which
 * closes the upstream connection and so cancels the request in the inference server.
 */
public final class ChatProxy implements HttpService {

  private static final Logger LOG = LoggerFactory.getLogger(ChatProxy.class);
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  private final DeploymentSource source;
  private final HttpClient http;

  public ChatProxy(DeploymentSource source) {
    this.source = source;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(CONNECT_TIMEOUT)
            .build();
  }

  @Override
  public void routing(HttpRules rules) {
    rules
        .post(
            "/{ns}/{name}/v1/chat/completions",
            (req, res) -> proxy(req, res, "/v1/chat/completions"))
        .get("/{ns}/{name}/v1/models", (req, res) -> proxy(req, res, "/v1/models"));
  }

  private void proxy(ServerRequest req, ServerResponse res, String path) {
    String ns = req.path().pathParameters().get("ns");
    String name = req.path().pathParameters().get("name");
    Optional<ConsoleDeployment> found =
        AccessGate.viewer(req).mayGet(ns, name) ? source.find(ns, name) : Optional.empty();
    if (found.isEmpty()) {
      ApiError.notFound(res, ns, name);
      return;
    }
    ConsoleDeployment deployment = found.get();
    URI target = URI.create(deployment.inferenceUrl() + path);
    HttpRequest.Builder upstream = HttpRequest.newBuilder(target);
    if (req.prologue().method().text().equals("POST")) {
      byte[] body = req.content().as(byte[].class);
      upstream.POST(HttpRequest.BodyPublishers.ofByteArray(body));
      upstream.header("Content-Type", "application/json");
    } else {
      upstream.GET();
    }
    req.headers().first(HeaderNames.ACCEPT).ifPresent(v -> upstream.header("Accept", v));
    Optional<String> apiKey;
    try {
      apiKey = source.apiKey(deployment);
    } catch (RuntimeException e) {
      ApiError.send(
          res,
          Status.BAD_GATEWAY_502,
          "upstream_unavailable",
          "cannot read the API key Secret of " + ns + "/" + name + ": " + e.getMessage());
      return;
    }
    apiKey.ifPresent(key -> upstream.header("Authorization", "Bearer " + key));

    HttpResponse<InputStream> answer;
    try {
      answer = http.send(upstream.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      ApiError.send(
          res,
          Status.BAD_GATEWAY_502,
          "upstream_unavailable",
          "the inference server of " + ns + "/" + name + " at " + target + " is unreachable: " + e);
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    relay(answer, res);
  }

  private static void relay(HttpResponse<InputStream> answer, ServerResponse res) {
    res.status(Status.create(answer.statusCode()));
    answer
        .headers()
        .firstValue("Content-Type")
        .ifPresent(v -> res.header(HeaderNames.CONTENT_TYPE, v));
    res.header(HeaderNames.CACHE_CONTROL, "no-cache");
    byte[] buffer = new byte[8192];
    try (InputStream in = answer.body()) {
      OutputStream out = res.outputStream();
      int n;
      while ((n = in.read(buffer)) >= 0) {
        if (n == 0) {
          continue;
        }
        try {
          out.write(buffer, 0, n);
          out.flush();
        } catch (IOException | UncheckedIOException e) {
          LOG.debug("browser left; closing the upstream request");
          return; // closing `in` cancels the upstream exchange and its connection
        }
      }
      out.close();
    } catch (IOException e) {
      LOG.debug("upstream answer ended early: {}", e.getMessage());
    } catch (UncheckedIOException e) {
      LOG.debug("browser left while closing: {}", e.getMessage());
    }
  }
}
