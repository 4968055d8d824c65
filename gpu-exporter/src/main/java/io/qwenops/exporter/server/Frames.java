package io.qwenops.exporter.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.qwenops.exporter.ExporterOptions;
import io.qwenops.exporter.sampling.GpuInfo;
import io.qwenops.exporter.sampling.GpuReading;
import io.qwenops.exporter.sampling.NvmlStatus;
import io.qwenops.exporter.sampling.Sample;
import io.qwenops.exporter.sampling.Topology;
import io.qwenops.exporter.visibility.GpuSelection;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The wire format: every frame the WebSocket and REST endpoints send, as records serialised by
 * Jackson. Field names and meanings are documented in docs/telemetry-protocol.md; change both
 * together and bump {@link #PROTOCOL}.
 */
public final class Frames {

  /** Bumped on any incompatible change to a frame. */
  public static final int PROTOCOL = 1;

  private static final ObjectWriter WRITER = new ObjectMapper().writer();

  private Frames() {}

  /**
   * First frame on every connection, and again whenever the visible GPUs or NVML's state change.
   */
  public record Hello(
      String type,
      int protocol,
      String host,
      String pod,
      String namespace,
      String node,
      String container,
      long intervalMs,
      long historySeconds,
      NvmlStatus nvml,
      GpuSelection gpuFilter,
      List<GpuInfo> gpus,
      String reason) {}

  /** Recent samples, oldest first: sent once after the first hello. */
  public record History(String type, List<SampleFrame> samples) {}

  /** One tick. */
  public record SampleFrame(
      String type, long seq, long monoMs, long timeMs, List<GpuReading> gpus) {}

  /** This client was too slow: {@code dropped} frames were discarded since the last notice. */
  public record Dropped(String type, long dropped, long totalDropped) {}

  public static Hello hello(ExporterOptions options, Topology topology) {
    ExporterOptions.Identity id = options.identity();
    return new Hello(
        "hello",
        PROTOCOL,
        id.hostname(),
        id.pod(),
        id.namespace(),
        id.node(),
        id.container(),
        options.interval().toMillis(),
        options.history().toSeconds(),
        topology.nvml(),
        topology.selection(),
        topology.gpus(),
        topology.reason());
  }

  public static SampleFrame sample(Sample sample) {
    return new SampleFrame("sample", sample.seq(), sample.monoMs(), sample.timeMs(), sample.gpus());
  }

  public static History history(List<Sample> samples) {
    return new History("history", samples.stream().map(Frames::sample).toList());
  }

  public static Dropped dropped(long dropped, long total) {
    return new Dropped("dropped", dropped, total);
  }

  public static String json(Object frame) {
    try {
      return WRITER.writeValueAsString(frame);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
