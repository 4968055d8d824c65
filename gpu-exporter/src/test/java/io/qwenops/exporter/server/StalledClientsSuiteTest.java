package io.qwenops.exporter.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.qwenops.exporter.FakeNvml;
import io.qwenops.exporter.sampling.Sample;
import io.qwenops.exporter.sampling.SampleHistory;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reliability suite: 100 clients that complete the handshake, ask for the whole history and never
 * read, against an exporter that has run for ten minutes on eight GPUs. A normal client keeps its
 * 500 ms stream, the heap stays bounded, and the stalled clients are closed.
 */
@Tag("reliability")
class StalledClientsSuiteTest {

  static final int STALLED = 100;

  /** What 100 stalled clients may add to the heap (each pins one history piece at most). */
  static final long HEAP_BOUND_BYTES = 48L << 20;

  @TempDir Path dir;

  static long usedHeapAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /** Ten minutes of history at once: the latest sample, as many times as the ring holds. */
  static void fillHistory(SampleHistory history) {
    Sample latest = history.latest().orElseThrow();
    for (int i = 0; i < history.capacity(); i++) {
      history.add(latest);
    }
  }

  @Test
  void aHundredStalledClientsCostBoundedMemorySlowNoOneAndAreClosed() throws Exception {
    Path library = FakeNvml.install(dir, "gpus=8", "pcie_delay_ms=2");
    try (RunningExporter exporter =
        new RunningExporter(
            Map.of(),
            "--nvml-library",
            library.toString(),
            "--gpu-filter",
            "off",
            "--send-timeout-seconds",
            "12")) {
      exporter.firstSample();
      fillHistory(exporter.exporter().sampler().history());
      int historyChars =
          Frames.json(Frames.history(exporter.exporter().sampler().history().lastMillis(600_000)))
              .length();
      long before = usedHeapAfterGc();

      List<RawWebSocket> stalled = new ArrayList<>();
      try (WsRecorder healthy = new WsRecorder(exporter.port(), "?historySeconds=0")) {
        healthy.next("hello", Duration.ofSeconds(5));
        long connectStarted = System.nanoTime();
        for (int i = 0; i < STALLED; i++) {
          stalled.add(RawWebSocket.stalled(exporter.port(), "?historySeconds=600"));
        }
        long connectMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - connectStarted);
        Thread.sleep(1000); // every sender is now blocked on a full socket
        long grown = usedHeapAfterGc() - before;
        System.out.printf(
            "stalled-clients: %d clients, history frame %d KiB, connect %d ms, heap +%d KiB%n",
            STALLED, historyChars / 1024, connectMs, grown >> 10);
        assertThat(exporter.getJson("/health").path("clients").asInt()).isEqualTo(STALLED + 1);
        assertThat(grown)
            .as(
                "heap growth with %d stalled clients (one whole history is %d KiB)",
                STALLED, historyChars / 1024)
            .isLessThan(HEAP_BOUND_BYTES);

        healthy.drain();
        List<WsRecorder.Frame> samples = healthy.samplesFor(Duration.ofSeconds(4));
        assertThat(samples.size()).isBetween(6, 10);
        for (int i = 1; i < samples.size(); i++) {
          assertThat(samples.get(i).json().path("seq").asLong())
              .as("the healthy client misses nothing")
              .isEqualTo(samples.get(i - 1).json().path("seq").asLong() + 1);
        }
        assertThat(ExporterServerTest.medianIntervalMs(samples)).isCloseTo(500.0, within(100.0));

        ClientLimitsTest.awaitHealth(exporter, "clients", 1, Duration.ofSeconds(20));
        assertThat(exporter.getJson("/health").path("clientsClosedStalled").asLong())
            .isEqualTo(STALLED);
        // Within the grace period (another 12 s) every stalled connection ends.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        int ended = 0;
        for (RawWebSocket ws : stalled) {
          ended += endsBy(ws, deadline) ? 1 : 0;
        }
        assertThat(ended).as("stalled connections ended by the server").isEqualTo(STALLED);
        assertThat(healthy.next("sample", Duration.ofSeconds(2)).type()).isEqualTo("sample");
      } finally {
        for (RawWebSocket ws : stalled) {
          ws.close();
        }
      }
    }
  }

  /** Reads what the socket holds; true when the server ends the connection by {@code deadline}. */
  static boolean endsBy(RawWebSocket ws, long deadline) {
    try {
      while (System.nanoTime() < deadline) {
        if (ws.readFrame().opcode() == 8) {
          return true;
        }
      }
      return false;
    } catch (IOException e) {
      return true;
    }
  }
}
