package io.qwenops.inference.engine;

/** Why a sequence ended; the lower-case names are OpenAI's {@code finish_reason} values. */
public enum FinishReason {
  /** EOS, a stop token id or a stop string. */
  STOP,
  /** {@code max_tokens} reached, or the context is full. */
  LENGTH,
  /** The client went away or cancelled. */
  ABORT;

  public String openAiName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
