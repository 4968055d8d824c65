package io.qwenops.inference.engine;

/**
 * One sequence to generate. The API layer tokenizes (and renders chat templates) before it gets
 * here; {@code n > 1} in the OpenAI API becomes n requests.
 */
public record GenerationRequest(String requestId, int[] promptTokenIds, SamplingParams sampling) {}
