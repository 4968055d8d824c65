package io.qwenops.inference.hub;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * The two Hub endpoints a download needs: the revision's file list, and one file's bytes from an
 * offset. Turns HTTP statuses into {@link HubException}s that say what to do; 5xx ones are
 * retryable, connection failures surface as plain IOExceptions (also retried by callers).
 */
final class HubClient {

  private final HubSettings settings;
  private final HttpClient http;

  HubClient(HubSettings settings) {
    this.settings = settings;
    this.http =
        HttpClient.newBuilder()
            // LFS files answer with a redirect to a CDN.
            .followRedirects(HttpClient.Redirect.NORMAL)
            .connectTimeout(Duration.ofSeconds(30))
            .proxy(EnvProxySelector.fromEnv(System.getenv()))
            .build();
  }

  RevisionInfo revision(HubRef ref) throws IOException {
    String url =
        settings.endpoint()
            + "/api/models/"
            + ref.repo()
            + "/revision/"
            + URLEncoder.encode(ref.revision(), StandardCharsets.UTF_8)
            + "?blobs=true";
    HttpResponse<InputStream> res = send(url, 0, Duration.ofSeconds(60));
    try (InputStream body = res.body()) {
      check(ref, null, url, res);
      return RevisionInfo.parse(ref, new ObjectMapper().readTree(body));
    }
  }

  /**
   * One file of the commit, from {@code offset} on (a Range request when offset &gt; 0).
   *
   * @return the response; status 206 when the Hub honoured the range, 200 when it sent the whole
   *     file. The caller closes the body.
   */
  HttpResponse<InputStream> file(HubRef ref, String commit, String name, long offset)
      throws IOException {
    String url = settings.endpoint() + "/" + ref.repo() + "/resolve/" + commit + "/" + name;
    HttpResponse<InputStream> res = send(url, offset, Duration.ofSeconds(60));
    if (res.statusCode() == 200 || res.statusCode() == 206) {
      return res;
    }
    try (InputStream ignored = res.body()) {
      check(ref, name, url, res);
    }
    return res;
  }

  private HttpResponse<InputStream> send(String url, long offset, Duration timeout)
      throws IOException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(timeout)
            .header("User-Agent", "qwenops-inference-pod")
            .GET();
    settings.token().ifPresent(t -> request.header("Authorization", "Bearer " + t));
    if (offset > 0) {
      request.header("Range", "bytes=" + offset + "-");
    }
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while asking " + url);
    }
  }

  /** Throws the error a non-2xx answer means; returns for 2xx. */
  private void check(HubRef ref, String file, String url, HttpResponse<?> res) throws HubException {
    int status = res.statusCode();
    if (status / 100 == 2) {
      return;
    }
    // The Hub names the cause in X-Error-Code (RepoNotFound, RevisionNotFound, GatedRepo, ...).
    Optional<String> code = res.headers().firstValue("X-Error-Code");
    String what = file == null ? ref.toString() : ref.repo() + "/" + file + " (" + ref + ")";
    boolean hasToken = settings.token().isPresent();
    if (status == 401 || status == 403 || code.filter("GatedRepo"::equals).isPresent()) {
      String gated = settings.endpoint() + "/" + ref.repo();
      throw new HubException(
          status
              + (status == 401 ? " Unauthorized" : " Forbidden")
              + " for "
              + what
              + ": "
              + (hasToken
                  ? "HF_TOKEN has no access. A gated model needs its license accepted at "
                      + gated
                      + " by the token's account; a private one needs a token of its owner."
                  : "the model is gated or private (or does not exist). Set HF_TOKEN to a token"
                      + " with access; for a gated model accept its license at "
                      + gated
                      + " first."));
    }
    if (status == 404) {
      String why =
          code.map(
                  c ->
                      switch (c) {
                        case "RepoNotFound" -> "no repo " + ref.repo();
                        case "RevisionNotFound" ->
                            "repo " + ref.repo() + " has no revision " + ref.revision();
                        case "EntryNotFound" -> "the commit has no file " + file;
                        default -> c;
                      })
              .orElse(
                  file == null
                      ? "no repo " + ref.repo() + " or no revision " + ref.revision()
                      : "no file " + file);
      throw new HubException(
          "404 Not Found for " + what + " at " + settings.endpoint() + ": " + why + ".");
    }
    if (status == 429 || status >= 500) {
      throw new HubException("GET " + url + " answered " + status, true, null);
    }
    throw new HubException("GET " + url + " answered " + status);
  }
}
