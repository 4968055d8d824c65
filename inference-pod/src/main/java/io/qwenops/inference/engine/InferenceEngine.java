package io.qwenops.inference.engine;

/**
 * The boundary between the OpenAI API and the model: token ids in, token stream out.
 * Implementations run their own step thread (continuous batching); every method here is thread-safe
 * and non-blocking.
 */
public interface InferenceEngine extends AutoCloseable {

  /**
   * Queues a request; it joins the running batch at the next step.
   *
   * @throws QueueFullException when the waiting queue is full (nothing was queued)
   * @throws EngineUnavailableException when the engine has stopped or is shut down
   * @throws IllegalArgumentException when prompt + max tokens exceed the model's context
   */
  void submit(GenerationRequest request, GenerationListener listener);

  /**
   * Aborts a queued or running request; its KV blocks are free within one step. Unknown ids are
   * ignored.
   */
  void abort(String requestId);

  EngineStats stats();

  /**
   * Requests the waiting queue holds at most (a submission beyond it gets {@link
   * QueueFullException}); the API counts a request's choices against it before tokenizing them.
   */
  default int maxWaiting() {
    return Integer.MAX_VALUE;
  }

  /** Context length (prompt + generated tokens) that one sequence may reach. */
  int maxModelLen();

  /**
   * False once the engine can no longer serve (its step loop stopped for good): liveness and
   * readiness then fail so that the pod is restarted, and every request gets a 503.
   */
  default boolean healthy() {
    return true;
  }

  @Override
  void close();
}
