package io.qwenops.inference.api.wire;

/** Token counts of one API call ({@code prompt_tokens} counts each distinct prompt once). */
public record Usage(int promptTokens, int completionTokens, int totalTokens) {
  public static Usage of(int prompt, int completion) {
    return new Usage(prompt, completion, prompt + completion);
  }
}
