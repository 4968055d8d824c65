package io.qwenops.inference.engine;

/**
 * Receives one request's output. Called on the engine's step thread: implementations must return
 * quickly and never block (hand the data to a queue or a non-blocking writer).
 */
public interface GenerationListener {

  /**
   * The prompt's logprobs, one entry per prompt token, once and before the first {@link #onToken};
   * only for requests that asked for them ({@link GenerationRequest#promptLogprobs}).
   */
  default void onPromptLogprobs(java.util.List<PromptLogprob> prompt) {}

  /**
   * One generated token, with the text it completes (possibly empty while UTF-8 or a stop string is
   * pending).
   */
  void onToken(TokenOutput token);

  /** Exactly once per request, after its last {@link #onToken}; also for aborted requests. */
  void onFinish(FinishReason reason, RequestTimings timings);

  /**
   * The request failed inside the engine (never for client errors, which the API rejects first).
   */
  void onError(Throwable error);
}
