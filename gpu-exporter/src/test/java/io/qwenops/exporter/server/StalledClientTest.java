package io.qwenops.exporter.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.qwenops.exporter.FakeNvml;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that stops reading costs only its own frames: the sampler and the other clients carry
 * on.
 */
class StalledClientTest {

  @TempDir Path dir;

  /**
   * Opens /ws/gpu by hand, reads the 101 response, then never reads again (a tiny window fills
   * fast).
   */
  static Socket stalledClient(int port) throws Exception {
    Socket socket = new Socket();
    socket.setReceiveBufferSize(2048);
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    OutputStream out = socket.getOutputStream();
    out.write(
        ("GET /ws/gpu?historySeconds=60 HTTP/1.1\r\n"
                + "Host: 127.0.0.1:"
                + port
                + "\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    InputStream in = socket.getInputStream();
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new AssertionError("connection closed during the handshake: " + head);
      }
      head.append((char) b);
    }
    assertThat(head.toString()).startsWith("HTTP/1.1 101");
    return socket;
  }

  /** One unmasked server frame; control frames (pings) are skipped. */
  static String readTextFrame(InputStream in) throws Exception {
    while (true) {
      int b0 = in.readNBytes(1)[0] & 0xFF;
      int b1 = in.readNBytes(1)[0] & 0x7F;
      long length = b1;
      if (b1 == 126) {
        length = new java.math.BigInteger(1, in.readNBytes(2)).longValue();
      } else if (b1 == 127) {
        length = new java.math.BigInteger(1, in.readNBytes(8)).longValue();
      }
      byte[] payload = in.readNBytes((int) length);
      if ((b0 & 0x0F) == 1) {
        return new String(payload, StandardCharsets.UTF_8);
      }
    }
  }

  @Test
  void aStalledClientLosesItsOldestFramesAndSlowsNoOneElse() throws Exception {
    Path library = FakeNvml.install(dir, "gpus=8", "pcie_delay_ms=2");
    try (RunningExporter exporter =
        new RunningExporter(
            Map.of(),
            "--nvml-library",
            library.toString(),
            "--gpu-filter",
            "off",
            "--interval-ms",
            "100",
            "--client-queue",
            "4",
            "--send-buffer-kb",
            "16")) {
      exporter.firstSample();
      try (Socket stalled = stalledClient(exporter.port());
          WsRecorder healthy = new WsRecorder(exporter.port(), "?historySeconds=0")) {
        assertThat(healthy.next(Duration.ofSeconds(5)).type()).isEqualTo("hello");
        long dropped = 0;
        for (int i = 0; i < 200 && dropped == 0; i++) {
          Thread.sleep(100);
          dropped = exporter.getJson("/health").path("droppedFrames").asLong();
        }
        assertThat(dropped).as("frames dropped for the stalled client").isPositive();

        List<WsRecorder.Frame> before = healthy.drain();
        List<WsRecorder.Frame> samples = healthy.samplesFor(Duration.ofSeconds(3));
        List<Long> seqs = new ArrayList<>();
        for (WsRecorder.Frame frame : before) {
          if (frame.type().equals("sample")) {
            seqs.add(frame.json().path("seq").asLong());
          }
        }
        samples.forEach(f -> seqs.add(f.json().path("seq").asLong()));
        for (int i = 1; i < seqs.size(); i++) {
          assertThat(seqs.get(i))
              .as("the healthy client misses nothing")
              .isEqualTo(seqs.get(i - 1) + 1);
        }
        assertThat(samples.size()).isBetween(20, 40);
        assertThat(ExporterServerTest.medianIntervalMs(samples)).isCloseTo(100.0, within(40.0));
        assertThat(exporter.getJson("/health").path("clients").asInt()).isEqualTo(2);

        // When the stalled client reads again, it learns how many frames it lost.
        stalled.setSoTimeout(10_000);
        InputStream in = stalled.getInputStream();
        String text;
        do {
          text = readTextFrame(in);
        } while (!text.contains("\"type\":\"dropped\""));
        assertThat(WsRecorder.JSON.readTree(text).path("dropped").asLong()).isPositive();
      }
    }
  }
}
