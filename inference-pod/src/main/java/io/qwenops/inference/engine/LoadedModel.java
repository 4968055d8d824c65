package io.qwenops.inference.engine;

import io.qwenops.inference.model.GenerationConfig;
import io.qwenops.inference.model.ModelConfig;
import io.qwenops.inference.model.QwenTokenizer;

/**
 * A served model: its running engine, tokenizer, config and generation defaults.
 *
 * @param name the model directory's name (what the API calls the model)
 * @param generation generation_config.json: sampling defaults and EOS ids
 */
public record LoadedModel(
    String name,
    InferenceEngine engine,
    QwenTokenizer tokenizer,
    ModelConfig config,
    GenerationConfig generation,
    AutoCloseable resources)
    implements AutoCloseable {

  @Override
  public void close() {
    engine.close();
    tokenizer.close();
    try {
      resources.close();
    } catch (Exception e) {
      throw new IllegalStateException("Could not free the model's memory", e);
    }
  }
}
