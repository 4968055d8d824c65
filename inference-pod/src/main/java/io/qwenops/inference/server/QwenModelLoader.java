package io.qwenops.inference.server;

/** Loads a Qwen2 checkpoint with the project's engine. */
final class QwenModelLoader implements ModelLoader {

  @Override
  public Loaded load(ServerOptions options) throws Exception {
    throw new UnsupportedOperationException("engine not merged yet");
  }
}
