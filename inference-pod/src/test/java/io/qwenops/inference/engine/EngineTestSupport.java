package io.qwenops.inference.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Collects one request's stream and waits for its end. */
final class EngineTestSupport {

  private EngineTestSupport() {}

  /** Greedy, no penalties (the model's generation_config would add repetition_penalty 1.05). */
  static SamplingParams plainGreedy(int maxTokens) {
    return new SamplingParams(
        0.0, 1.0, 0, 0.0, 1.0, 0, 0, null, maxTokens, List.of(), Set.of(), true, null, Map.of(), 0);
  }

  static class Collector implements GenerationListener {
    final List<TokenOutput> tokens = new ArrayList<>();
    final StringBuilder text = new StringBuilder();
    final CompletableFuture<FinishReason> done = new CompletableFuture<>();
    volatile RequestTimings timings;
    final List<List<PromptLogprob>> promptDeliveries = new ArrayList<>();
    volatile int tokensBeforePromptScores = -1;

    @Override
    public synchronized void onPromptLogprobs(List<PromptLogprob> prompt) {
      promptDeliveries.add(prompt);
      tokensBeforePromptScores = tokens.size();
    }

    @Override
    public synchronized void onToken(TokenOutput token) {
      tokens.add(token);
      text.append(token.text());
    }

    @Override
    public void onFinish(FinishReason reason, RequestTimings t) {
      timings = t;
      done.complete(reason);
    }

    @Override
    public void onError(Throwable error) {
      done.completeExceptionally(error);
    }

    FinishReason await() throws Exception {
      return done.get(120, TimeUnit.SECONDS);
    }

    synchronized int[] ids() {
      return tokens.stream().mapToInt(TokenOutput::tokenId).toArray();
    }

    synchronized String text() {
      return text.toString();
    }
  }

  /** Every NDArray alive in the PyTorch engine (all managers descend from the system manager). */
  static int liveArrays() {
    try (ai.djl.ndarray.NDManager probe = ai.djl.ndarray.NDManager.newBaseManager("PyTorch")) {
      return probe.getParentManager().getManagedArrays().size();
    }
  }

  static Collector run(InferenceEngine engine, String id, int[] prompt, SamplingParams p)
      throws Exception {
    Collector c = new Collector();
    engine.submit(new GenerationRequest(id, prompt, p), c);
    c.await();
    return c;
  }
}
