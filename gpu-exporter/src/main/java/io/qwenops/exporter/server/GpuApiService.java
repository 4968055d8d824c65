package io.qwenops.exporter.server;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.qwenops.exporter.ExporterOptions;
import io.qwenops.exporter.sampling.Sample;
import io.qwenops.exporter.sampling.Sampler;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * REST views of the same frames the WebSocket sends: {@code /api/gpu} (latest sample), {@code
 * /api/gpu/history} ({@code ?seconds=N}, by default {@code --connect-history-seconds}, written to
 * the response a piece at a time) and {@code /api/gpu/info} (the hello frame).
 */
final class GpuApiService implements HttpService {

  private final ExporterOptions options;
  private final Sampler sampler;

  GpuApiService(ExporterOptions options, Sampler sampler) {
    this.options = options;
    this.sampler = sampler;
  }

  @Override
  public void routing(HttpRules rules) {
    rules.get("/", this::latest).get("/history", this::history).get("/info", this::info);
  }

  private void latest(ServerRequest req, ServerResponse res) {
    Optional<Sample> latest = sampler.history().latest();
    if (latest.isEmpty()) {
      JsonResponses.error(res, Status.SERVICE_UNAVAILABLE_503, "no sample taken yet");
      return;
    }
    JsonResponses.send(res, Status.OK_200, Frames.sample(latest.get()));
  }

  private void history(ServerRequest req, ServerResponse res) {
    long max = options.history().toSeconds();
    long seconds = Math.min(options.connectHistory().toSeconds(), max);
    var query = req.query();
    if (query.contains("seconds")) {
      String raw = query.getRaw("seconds");
      try {
        seconds = Long.parseLong(raw);
      } catch (NumberFormatException e) {
        seconds = -1;
      }
      if (seconds < 1 || seconds > max) {
        JsonResponses.error(
            res,
            Status.BAD_REQUEST_400,
            "seconds must be a whole number from 1 to " + max + ", got '" + raw + "'");
        return;
      }
    }
    List<Sample> samples = sampler.history().lastMillis(seconds * 1000);
    res.status(Status.OK_200);
    res.header(HeaderNames.CONTENT_TYPE, "application/json");
    res.header(HeaderNames.CACHE_CONTROL, "no-store");
    try (OutputStream out = res.outputStream()) {
      HistoryFragments.write(
          samples,
          HistoryFragments.CHUNK_CHARS,
          (text, last) -> out.write(text.getBytes(StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void info(ServerRequest req, ServerResponse res) {
    JsonResponses.send(res, Status.OK_200, Frames.hello(options, sampler.topology()));
  }
}
