package io.qwenops.inference.reliability;

import ai.djl.ndarray.NDManager;
import io.qwenops.inference.engine.EngineStats;
import io.qwenops.inference.engine.InferenceEngine;
import io.qwenops.inference.server.Main;
import io.qwenops.inference.server.QwenModelLoader;
import io.qwenops.inference.server.ServerOptions;
import io.qwenops.inference.server.TinyModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The production server, started from command-line flags as an operator would start it, on the tiny
 * random checkpoint with the real Qwen tokenizer and chat template. One per test class.
 */
final class SuiteServer implements AutoCloseable {

  private final Main.RunningServer server;

  /**
   * @param extraFlags flags on top of the tiny model's (context 256, 8 sequences, F32 on the CPU)
   */
  SuiteServer(String... extraFlags) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--model",
                TinyModel.checkpoint().toString(),
                "--served-model-name",
                TinyModel.NAME,
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--device",
                "cpu",
                "--dtype",
                "float32",
                "--max-model-len",
                "256",
                "--max-num-seqs",
                "8",
                "--max-num-batched-tokens",
                "256",
                "--kv-cache-memory",
                "8MiB"));
    args.addAll(List.of(extraFlags));
    ServerOptions options = ServerOptions.parse(args.toArray(String[]::new), Map.of());
    server = Main.start(options, new QwenModelLoader(Map.of()), Map.of());
    TinyModel.awaitReady(server.slot());
  }

  int port() {
    return server.port();
  }

  RawHttp http() {
    return new RawHttp(port());
  }

  InferenceEngine engine() {
    return server.slot().current().orElseThrow().engine();
  }

  /** Waits (up to a minute) until nothing runs or waits and every KV block is free again. */
  EngineStats awaitIdle() throws InterruptedException {
    long deadline = System.nanoTime() + 60_000_000_000L;
    EngineStats s = engine().stats();
    while ((s.running() > 0 || s.waiting() > 0 || s.kvBlocksFree() < s.kvBlocksTotal())
        && System.nanoTime() < deadline) {
      Thread.sleep(20);
      s = engine().stats();
    }
    return s;
  }

  /** Every NDArray alive in the PyTorch engine (all managers descend from the system manager). */
  static int liveArrays() {
    try (NDManager probe = NDManager.newBaseManager("PyTorch")) {
      return probe.getParentManager().getManagedArrays().size();
    }
  }

  @Override
  public void close() {
    server.stop();
  }
}
