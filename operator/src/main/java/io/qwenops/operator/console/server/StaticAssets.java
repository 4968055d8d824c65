package io.qwenops.operator.console.server;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.staticcontent.StaticContentService;
import io.qwenops.operator.console.http.ApiError;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The built console ({@code web/dist}) at {@code /}: from the jar's {@code console/} resources (the
 * Maven build puts them there) or from a directory. Paths that are no file and not the API answer
 * {@code index.html}, so the React router's deep links survive a reload.
 */
final class StaticAssets {

  static final String CLASSPATH_ROOT = "console";

  private final StaticContentService files;
  private final byte[] index;

  private StaticAssets(StaticContentService files, byte[] index) {
    this.files = files;
    this.index = index;
  }

  /** Null when there are no assets (a build with -Dskip.web=true): the API still works. */
  static StaticAssets load(Path webDir) {
    try {
      if (webDir != null) {
        Path indexFile = webDir.resolve("index.html");
        if (!Files.isRegularFile(indexFile)) {
          throw new IllegalArgumentException("--web-dir " + webDir + " has no index.html");
        }
        return new StaticAssets(
            StaticContentService.builder(webDir).welcomeFileName("index.html").build(),
            Files.readAllBytes(indexFile));
      }
      ClassLoader loader = StaticAssets.class.getClassLoader();
      try (InputStream in = loader.getResourceAsStream(CLASSPATH_ROOT + "/index.html")) {
        if (in == null) {
          return null;
        }
        return new StaticAssets(
            StaticContentService.builder(CLASSPATH_ROOT).welcomeFileName("index.html").build(),
            in.readAllBytes());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Registers the files and, after them, the SPA fallback; call after every API route. */
  static void register(HttpRouting.Builder routing, StaticAssets assets) {
    if (assets != null) {
      routing.register("/", assets.files);
    }
    routing.get("/*", (req, res) -> fallback(req, res, assets));
  }

  private static void fallback(ServerRequest req, ServerResponse res, StaticAssets assets) {
    String path = req.path().path();
    if (path.startsWith("/api/") || path.equals("/api") || path.startsWith("/ws/")) {
      ApiError.send(res, Status.NOT_FOUND_404, "not_found", "no route " + path);
      return;
    }
    if (assets == null) {
      res.status(Status.NOT_FOUND_404);
      res.header(HeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
      res.send(
          "This gateway was built without the web console (-Dskip.web=true, or web/ has no"
              + " package.json). The API is at /api/.\n");
      return;
    }
    res.header(HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
    res.header(HeaderNames.CACHE_CONTROL, "no-cache");
    res.send(assets.index);
  }
}
