package io.qwenops.inference.engine;

/**
 * One sequence to generate. The API layer tokenizes (and renders chat templates) before it gets
 * here; {@code n > 1} in the OpenAI API becomes n requests.
 *
 * @param promptLogprobs null: the prompt is not scored; k &ge; 0: every prompt token's logprob
 *     given the tokens before it, with the k most likely alternatives, is delivered once through
 *     {@link GenerationListener#onPromptLogprobs} before the first token (such a request computes
 *     its whole prompt: it skips the prefix cache)
 * @param constraint null, or a grammar the generated tokens must follow (guided decoding)
 */
public record GenerationRequest(
    String requestId,
    int[] promptTokenIds,
    SamplingParams sampling,
    Integer promptLogprobs,
    TokenConstraint constraint) {

  public GenerationRequest(String requestId, int[] promptTokenIds, SamplingParams sampling) {
    this(requestId, promptTokenIds, sampling, null, null);
  }
}
