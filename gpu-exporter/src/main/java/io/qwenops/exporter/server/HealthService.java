package io.qwenops.exporter.server;

import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.qwenops.exporter.sampling.GpuReading;
import io.qwenops.exporter.sampling.Sample;
import io.qwenops.exporter.sampling.Sampler;
import io.qwenops.exporter.sampling.Topology;

/**
 * {@code /health}: 200 while the exporter runs, even without NVML (a missing driver is a fact to
 * report, not a reason to restart the sidecar). The body says whether NVML is available and why
 * GPUs are missing.
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
    JsonResponses.send(
        res,
        Status.OK_200,
        new Health(
            "UP",
            topology.nvml().available(),
            topology.nvml().driverVersion(),
            topology.gpus().size(),
            lost,
            age,
            hub.clientCount(),
            hub.droppedFrames(),
            topology.reason()));
  }

  private long ageMs(Sample sample) {
    return sampler.monoMs() - sample.monoMs();
  }
}
