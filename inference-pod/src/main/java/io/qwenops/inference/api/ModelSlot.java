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

  public State state() {
    if (model != null) {
      return State.READY;
    }
    return failure != null ? State.FAILED : State.LOADING;
  }

  public Optional<ServingModel> current() {
    return Optional.ofNullable(model);
  }

  public String failure() {
    return failure;
  }

  /** The model, or a 503 saying why there is none yet. */
  public ServingModel require() {
    ServingModel m = model;
    if (m != null) {
      return m;
    }
    if (failure != null) {
      throw ApiException.loading("The model failed to load: " + failure);
    }
    throw ApiException.loading("The model " + servedName + " is still loading; retry shortly.");
  }
}
