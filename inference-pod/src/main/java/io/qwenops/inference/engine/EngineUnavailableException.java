package io.qwenops.inference.engine;

/**
 * The engine's step loop has stopped for good (an {@link Error} such as OutOfMemoryError, steps
 * that kept failing, or shutdown): nothing was or will be generated. The API answers 503; liveness
 * fails so that Kubernetes restarts the pod.
 */
public class EngineUnavailableException extends RuntimeException {
  public EngineUnavailableException() {
    super("The engine has stopped; the server is restarting");
  }
}
