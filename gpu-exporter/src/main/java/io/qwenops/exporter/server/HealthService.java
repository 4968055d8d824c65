package io.qwenops.exporter.server;

import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.qwenops.exporter.sampling.GpuReading;
import io.qwenops.exporter.sampling.ReaderStatus;
import io.qwenops.exporter.sampling.Sample;
import io.qwenops.exporter.sampling.Sampler;
import io.qwenops.exporter.sampling.Topology;
import java.util.Map;

/**
 * {@code /health}: 200 while the process serves HTTP, whatever it finds (no token needed). The
 * probe that reads it gates the whole pod's readiness, so a telemetry fault must not take the
 * inference container out of its Service, and a restart cures neither a missing driver nor a lost
 * GPU. The body says what is wrong instead: {@code status} is {@code DEGRADED} when a reader is not
 * doing its job, and {@code readers} says which and why.
 */
final class HealthService implements HttpService {

  /** The health body. */
  record Health(
      String status,
      boolean nvmlAvailable,
      String driverVersion,
      int gpusVisible,
      int gpusLost,
      Long lastSampleAgeMs,
      int clients,
      long droppedFrames,
      long clientsRejected,
      long clientsClosedStalled,
      Map<String, ReaderStatus> readers,
      String reason) {}

  private final Sampler sampler;
  private final TelemetryHub hub;

  HealthService(Sampler sampler, TelemetryHub hub) {
    this.sampler = sampler;
    this.hub = hub;
  }

  @Override
  public void routing(HttpRules rules) {
    rules.get("/", this::health);
  }

  private void health(ServerRequest req, ServerResponse res) {
    Topology topology = sampler.topology();
    var latest = sampler.history().latest();
    int lost =
        latest
            .map(
                s ->
                    (int)
                        s.gpus().stream()
                            .filter(g -> g.state() == GpuReading.GpuState.lost)
                            .count())
            .orElse(0);
    Long age = latest.map(s -> ageMs(s)).orElse(null);
    Map<String, ReaderStatus> readers = sampler.readerStatuses();
    boolean degraded = readers.values().stream().anyMatch(ReaderStatus::degraded);
    JsonResponses.send(
        res,
        Status.OK_200,
        new Health(
            degraded ? "DEGRADED" : "UP",
            topology.nvml().available(),
            topology.nvml().driverVersion(),
            topology.gpus().size(),
            lost,
            age,
            hub.clientCount(),
            hub.droppedFrames(),
            hub.rejectedClients(),
            hub.stalledClientsClosed(),
            readers,
            topology.reason()));
  }

  private long ageMs(Sample sample) {
    return sampler.monoMs() - sample.monoMs();
  }
}
