package io.qwenops.inference.api;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * Holds the model while it loads in the background: the server listens at once, answers 503 on
 * {@code /health} and {@code /v1/*} until {@link #ready} is called.
 */
public final class ModelSlot {

  public enum State {
    LOADING,
    READY,
    FAILED
  }

  private final String servedName;
  private volatile ServingModel model;
  private volatile String failure;
  private volatile Supplier<LoadingProgress> progress = () -> null;

  public ModelSlot(String servedName) {
    this.servedName = servedName;
  }

  public static ModelSlot of(ServingModel model) {
    ModelSlot slot = new ModelSlot(model.name());
    slot.ready(model);
    return slot;
  }

  public String servedName() {
    return servedName;
  }

  public void ready(ServingModel loaded) {
    this.model = loaded;
  }

  /** Where {@code /health} reads what the load is doing while it runs. */
  public void loadingProgress(Supplier<LoadingProgress> progress) {
    this.progress = progress;
  }

  /** What the load is doing, while the model is loading and the loader says. */
  public Optional<LoadingProgress> loadingProgress() {
    return state() == State.LOADING ? Optional.ofNullable(progress.get()) : Optional.empty();
  }

  public void failed(String reason) {
    this.failure = reason;
  }

  /** READY while the model serves; FAILED once it failed to load or its engine stopped. */
  public State state() {
    ServingModel m = model;
    if (m != null) {
      return m.engine().healthy() ? State.READY : State.FAILED;
    }
    return failure != null ? State.FAILED : State.LOADING;
  }

  public Optional<ServingModel> current() {
    return Optional.ofNullable(model);
  }

  /** Why loading failed, for the server's own log and tests; never sent to clients. */
  public String failure() {
    return failure;
  }

  /** The model, or a 503 saying (without internals) why there is none. */
  public ServingModel require() {
    ServingModel m = model;
    if (m != null) {
      if (!m.engine().healthy()) {
        throw ApiException.unavailable(ENGINE_STOPPED);
      }
      return m;
    }
    if (failure != null) {
      throw ApiException.unavailable("The model failed to load; the server is restarting.");
    }
    throw ApiException.loading("The model " + servedName + " is still loading; retry shortly.");
  }

  /** What clients read once the engine stopped (the log says why). */
  public static final String ENGINE_STOPPED =
      "The engine has stopped; the server is restarting. Retry shortly.";
}
