package io.qwenops.inference.api;

import io.qwenops.inference.api.chat.ChatTemplate;
import io.qwenops.inference.engine.InferenceEngine;

/**
 * A loaded model as the API serves it.
 *
 * @param name the served model name (what clients put in {@code model})
 * @param root the checkpoint directory, reported by {@code /v1/models}
 * @param vocabSize the model's vocabulary (token ids must be below it)
 */
public record ServingModel(
    String name,
    String root,
    InferenceEngine engine,
    PromptTokenizer tokenizer,
    ChatTemplate chatTemplate,
    int vocabSize,
    long createdEpochSeconds) {

  public int maxModelLen() {
    return engine.maxModelLen();
  }

  /** 404 unless the client named this model (or none). */
  public void checkRequested(String requested) {
    if (requested != null && !requested.equals(name)) {
      throw ApiException.modelNotFound(requested);
    }
  }
}
