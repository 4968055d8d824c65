package io.qwenops.inference.server;

import io.qwenops.inference.api.LoadingProgress;
import io.qwenops.inference.api.ServingModel;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** Loads the checkpoint named by the options (in the background, while the server listens). */
@FunctionalInterface
public interface ModelLoader {

  /**
   * What a load produced.
   *
   * @param onGpu whether the weights sit on a GPU (then the GPU UUIDs file is written)
   * @param resources everything to free at shutdown (engine, tokenizer, weights)
   */
  record Loaded(ServingModel model, boolean onGpu, AutoCloseable resources) {}

  Loaded load(ServerOptions options) throws Exception;

  /**
   * Loads, telling {@code progress} where to read what the load does meanwhile (downloading,
   * loading): {@code /health} shows it. Loaders with nothing to report keep this default.
   */
  default Loaded load(ServerOptions options, Consumer<Supplier<LoadingProgress>> progress)
      throws Exception {
    return load(options);
  }
}
