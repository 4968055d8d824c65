package io.qwenops.inference.api.generate;

import io.qwenops.inference.engine.FinishReason;
import io.qwenops.inference.engine.RequestTimings;
import io.qwenops.inference.engine.TokenOutput;

/** One thing that happened to choice {@code index}: a token, its end, or an engine failure. */
public sealed interface GenerationEvent {

  int index();

  record Token(int index, TokenOutput token) implements GenerationEvent {}

  record Finished(int index, FinishReason reason, RequestTimings timings)
      implements GenerationEvent {}

  record Failed(int index, Throwable error) implements GenerationEvent {}
}
