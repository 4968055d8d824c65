package io.qwenops.inference.server;

import io.qwenops.inference.api.ServingModel;

/** Loads the checkpoint named by the options (in the background, while the server listens). */
@FunctionalInterface
public interface ModelLoader {

  /** What a load produced: the model to serve and whether it sits on a GPU. */
  record Loaded(ServingModel model, boolean onGpu) {}

  Loaded load(ServerOptions options) throws Exception;
}
