package io.qwenops.inference.server.bench;

import io.qwenops.inference.engine.EngineStats;
import io.qwenops.inference.engine.FinishReason;
import io.qwenops.inference.engine.GenerationListener;
import io.qwenops.inference.engine.GenerationRequest;
import io.qwenops.inference.engine.InferenceEngine;
import io.qwenops.inference.engine.RequestTimings;
import io.qwenops.inference.engine.TokenOutput;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An engine that costs nothing: it emits {@code maxTokens} tokens as fast as the listener takes
 * them. The benchmark puts it under the real HTTP layer to measure what the API alone costs per
 * token; it is a measuring instrument, not a stand-in for the engine in tests.
 */
final class InstantEngine implements InferenceEngine {

  private final Set<String> aborted = ConcurrentHashMap.newKeySet();

  @Override
  public void submit(GenerationRequest request, GenerationListener listener) {
    Thread.startVirtualThread(
        () -> {
          long arrived = System.nanoTime();
          int n = request.sampling().maxTokens();
          int produced = 0;
          for (; produced < n && !aborted.contains(request.requestId()); produced++) {
            listener.onToken(new TokenOutput(1350 + produced % 7, " word", Double.NaN, List.of()));
          }
          long now = System.nanoTime();
          listener.onFinish(
              produced < n ? FinishReason.ABORT : FinishReason.LENGTH,
              new RequestTimings(
                  arrived, arrived, arrived, now, request.promptTokenIds().length, produced, 0));
        });
  }

  @Override
  public void abort(String requestId) {
    aborted.add(requestId);
  }

  @Override
  public EngineStats stats() {
    return new EngineStats(0, 0, 0, 1, 1, 0, 0, 0, 0, 0);
  }

  @Override
  public int maxModelLen() {
    return 1 << 20;
  }

  @Override
  public void close() {}
}
