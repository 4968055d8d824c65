package io.qwenops.inference.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.qwenops.inference.engine.EngineStats;
import io.qwenops.inference.engine.InferenceEngine;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A client that hangs up mid-stream aborts its request: the engine frees its KV blocks. */
class DisconnectTest {

  @ParameterizedTest
  @ValueSource(strings = {"/v1/completions", "/v1/chat/completions"})
  void closingTheStreamAbortsTheRequestAndFreesItsBlocks(String path) throws Exception {
    Main.RunningServer server = TinyModel.server();
    InferenceEngine engine = TinyModel.model().engine();
    awaitIdle(engine);
    double abortsBefore = aborts();
    String body =
        path.contains("chat")
            ? "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"max_tokens\":200,"
                + "\"ignore_eos\":true,\"stream\":true}"
            : "{\"prompt\":\"Hi\",\"max_tokens\":250,\"ignore_eos\":true,\"stream\":true}";
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST "
                  + path
                  + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                  + "Content-Length: "
                  + body.getBytes(StandardCharsets.UTF_8).length
                  + "\r\n\r\n"
                  + body)
              .getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = socket.getInputStream();
      StringBuilder seen = new StringBuilder();
      byte[] buffer = new byte[4096];
      while (count(seen, "data: ") < 3) {
        int n = in.read(buffer);
        assertThat(n).as("stream ended early: " + seen).isPositive();
        seen.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
      }
      EngineStats busy = engine.stats();
      assertThat(busy.running()).isEqualTo(1);
      assertThat(busy.kvBlocksFree()).isLessThan(busy.kvBlocksTotal());
    }
    EngineStats after = awaitIdle(engine);
    assertThat(after.running()).isZero();
    assertThat(after.kvBlocksFree()).isEqualTo(after.kvBlocksTotal());
    assertThat(aborts()).isEqualTo(abortsBefore + 1);
  }

  static EngineStats awaitIdle(InferenceEngine engine) throws InterruptedException {
    long deadline = System.nanoTime() + 60_000_000_000L;
    EngineStats s = engine.stats();
    while ((s.running() > 0 || s.waiting() > 0 || s.kvBlocksFree() < s.kvBlocksTotal())
        && System.nanoTime() < deadline) {
      Thread.sleep(20);
      s = engine.stats();
    }
    return s;
  }

  static double aborts() {
    String metrics = TinyModel.http().get("/metrics").body();
    return metrics
        .lines()
        .filter(l -> l.startsWith("vllm:request_success_total{finished_reason=\"abort\""))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  static int count(CharSequence text, String what) {
    int n = 0;
    for (int i = text.toString().indexOf(what); i >= 0; i = text.toString().indexOf(what, i + 1)) {
      n++;
    }
    return n;
  }
}
