package io.qwenops.operator.console.telemetry;

import static io.qwenops.operator.console.testing.BrowserSocket.frame;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.qwenops.operator.console.http.Json;
import io.qwenops.operator.console.server.ConsoleGateway;
import io.qwenops.operator.console.testing.BrowserSocket;
import io.qwenops.operator.console.testing.FakeExporter;
import io.qwenops.operator.console.testing.FakeInferenceServer;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A browser that stops reading (a frozen tab) must not delay the others: its own writer blocks on
 * its full socket, its bounded queue loses its oldest frames, and everyone else keeps every frame.
 */
class SlowBrowserTest {

  @Test
  void aBrowserThatStopsReadingLosesItsOldestFramesAndDelaysNoOne() throws Exception {
    // 16 full GPUs (~13 KB a sample) every 5 ms: in 4 s ~10 MB, more than the stalled socket's
    // kernel buffers (the send side autotunes up to tcp_wmem's 4 MB) and its 256-frame queue hold.
    try (FakeInferenceServer inference = new FakeInferenceServer();
        FakeExporter exporter = new FakeExporter(5, 16);
        ConsoleGateway gateway = TelemetryFanoutTest.gateway(inference, exporter);
        var http = java.net.http.HttpClient.newHttpClient();
        StalledBrowser stalled = new StalledBrowser(gateway.port());
        BrowserSocket healthy = new BrowserSocket(http, TelemetryFanoutTest.ws(gateway))) {
      healthy.subscribe("local", "local-0");
      long first =
          healthy.await(frame("sample"), TelemetryFanoutTest.WAIT).at("/frame/seq").asLong();

      Thread.sleep(4000); // the stalled browser reads nothing meanwhile

      // The healthy browser got every sample since its first, in order, without waiting.
      List<Long> seqs = new ArrayList<>();
      String text;
      while ((text = healthy.received.poll()) != null) {
        JsonNode node = Json.read(text);
        if (frame("sample").test(node)) {
          seqs.add(node.at("/frame/seq").asLong());
        }
      }
      assertThat(seqs)
          .as("samples the healthy browser got during the stall")
          .hasSizeGreaterThan(100);
      for (int i = 0; i < seqs.size(); i++) {
        assertThat(seqs.get(i)).as("sample %d after the first", i + 1).isEqualTo(first + 1 + i);
      }

      // The stalled browser, reading again, finds a hole: the gateway dropped frames rather than
      // queue them without bound.
      long newest = seqs.getLast();
      List<Long> late = stalled.readSampleSeqsUpTo(newest, TelemetryFanoutTest.WAIT.toMillis());
      assertThat(late.getLast()).isGreaterThanOrEqualTo(newest);
      long holes = 0;
      for (int i = 1; i < late.size(); i++) {
        holes += late.get(i) - late.get(i - 1) - 1;
      }
      assertThat(holes).as("samples the stalled browser never got").isPositive();
      assertThat(late.size()).as("what the stalled browser got").isLessThan(seqs.size());
    }
  }

  /** A raw WebSocket client with a tiny receive buffer that subscribes and then stops reading. */
  static final class StalledBrowser implements AutoCloseable {
    private final Socket socket = new Socket();
    private final DataInputStream in;

    StalledBrowser(int port) throws IOException {
      socket.setReceiveBufferSize(4096); // before connect, so the TCP window stays small
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET /ws/telemetry HTTP/1.1\r\nHost: 127.0.0.1:"
                  + port
                  + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      in = new DataInputStream(socket.getInputStream());
      StringBuilder head = new StringBuilder();
      while (!head.toString().endsWith("\r\n\r\n")) {
        head.append((char) in.readUnsignedByte());
      }
      assertThat(head.toString()).startsWith("HTTP/1.1 101");
      byte[] subscribe =
          "{\"type\":\"subscribe\",\"pods\":[{\"namespace\":\"local\",\"pod\":\"local-0\"}],\"historySeconds\":0}"
              .getBytes(StandardCharsets.UTF_8);
      // A client frame must be masked; a zero key leaves the payload as it is.
      out.write(
          ByteBuffer.allocate(8 + subscribe.length)
              .put((byte) 0x81)
              .put((byte) (0x80 | subscribe.length))
              .putInt(0)
              .put(subscribe)
              .array(),
          0,
          6 + subscribe.length);
      out.flush();
    }

    /**
     * Reads frames until a sample's {@code seq} reaches {@code last}; their {@code seq}s in order.
     */
    List<Long> readSampleSeqsUpTo(long last, long timeoutMs) throws IOException {
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
      List<Long> seqs = new ArrayList<>();
      socket.setSoTimeout((int) timeoutMs);
      while ((seqs.isEmpty() || seqs.getLast() < last) && System.nanoTime() < deadline) {
        int b0 = in.readUnsignedByte();
        long length = in.readUnsignedByte() & 0x7f;
        if (length == 126) {
          length = in.readUnsignedShort();
        } else if (length == 127) {
          length = in.readLong();
        }
        byte[] payload = new byte[(int) length];
        in.readFully(payload);
        if ((b0 & 0x0f) == 1) {
          JsonNode node = Json.read(new String(payload, StandardCharsets.UTF_8));
          if (frame("sample").test(node)) {
            seqs.add(node.at("/frame/seq").asLong());
          }
        }
      }
      return seqs;
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
