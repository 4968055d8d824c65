package io.qwenops.inference.server;

import io.qwenops.inference.engine.EngineStats;
import io.qwenops.inference.engine.FinishReason;
import io.qwenops.inference.engine.GenerationListener;
import io.qwenops.inference.engine.GenerationRequest;
import io.qwenops.inference.engine.InferenceEngine;
import io.qwenops.inference.engine.QueueFullException;
import io.qwenops.inference.engine.RequestTimings;
import io.qwenops.inference.engine.TokenOutput;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

/**
 * A test double of the engine for the narrow cases the real one cannot reach on purpose: a full
 * waiting queue (429) and a reply that is a Qwen tool call. It "generates" a fixed token script,
 * one token per call to {@link #step}, only when the test says so.
 */
final class ScriptedEngine implements InferenceEngine {

  private final int[] script;
  private final int maxWaiting;
  private final Map<String, Running> requests = new ConcurrentHashMap<>();
  final CountDownLatch submitted = new CountDownLatch(1);

  /** Every request submitted, in order (the prompt the API built, exactly). */
  final List<GenerationRequest> seen = new java.util.concurrent.CopyOnWriteArrayList<>();

  private record Running(GenerationRequest request, GenerationListener listener, long arrived) {}

  ScriptedEngine(int[] script, int maxWaiting) {
    this.script = script;
    this.maxWaiting = maxWaiting;
  }

  @Override
  public void submit(GenerationRequest request, GenerationListener listener) {
    if (requests.size() >= maxWaiting) {
      throw new QueueFullException(requests.size());
    }
    requests.put(request.requestId(), new Running(request, listener, System.nanoTime()));
    seen.add(request); // after it is queued: a test that saw it may run it at once
    submitted.countDown();
  }

  /** Plays the whole script to every queued request, then finishes it with STOP. */
  void runAll() {
    for (Running r : List.copyOf(requests.values())) {
      for (int id : script) {
        r.listener()
            .onToken(new TokenOutput(id, TestTokenizers.QWEN.tokenText(id), Double.NaN, List.of()));
      }
      requests.remove(r.request().requestId());
      long now = System.nanoTime();
      r.listener()
          .onFinish(
              FinishReason.STOP,
              new RequestTimings(
                  r.arrived(),
                  now,
                  now,
                  now,
                  r.request().promptTokenIds().length,
                  script.length,
                  0));
    }
  }

  @Override
  public void abort(String requestId) {
    requests.remove(requestId);
  }

  @Override
  public EngineStats stats() {
    return new EngineStats(0, requests.size(), 0, 1, 1, 0, 0, 0, 0, 0);
  }

  @Override
  public int maxWaiting() {
    return maxWaiting;
  }

  @Override
  public int maxModelLen() {
    return 512;
  }

  @Override
  public void close() {}
}
