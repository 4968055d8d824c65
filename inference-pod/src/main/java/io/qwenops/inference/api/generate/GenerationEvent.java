package io.qwenops.inference.api.generate;

import io.qwenops.inference.engine.FinishReason;
import io.qwenops.inference.engine.PromptLogprob;
import io.qwenops.inference.engine.RequestTimings;
import io.qwenops.inference.engine.TokenOutput;
import java.util.List;

/**
 * One thing that happened to choice {@code index}: its prompt's scores, a token, its end, or an
 * engine failure.
 */
public sealed interface GenerationEvent {

  int index();

  record PromptScores(int index, List<PromptLogprob> scores) implements GenerationEvent {}

  record Token(int index, TokenOutput token) implements GenerationEvent {}

  record Finished(int index, FinishReason reason, RequestTimings timings)
      implements GenerationEvent {}

  record Failed(int index, Throwable error) implements GenerationEvent {}
}
