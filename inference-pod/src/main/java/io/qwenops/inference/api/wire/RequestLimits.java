package io.qwenops.inference.api.wire;

/**
 * How much work one request may ask for. Two are server flags (fan-out depends on the deployment);
 * the rest are fixed caps that a real client never meets, each checked while the body is read so
 * that a hostile request costs no more than reading it.
 *
 * @param maxPrompts prompts in one {@code /v1/completions} request at most ({@code
 *     --max-prompts-per-request})
 * @param maxChoices sequences one request may start, prompts × {@code n} ({@code
 *     --max-choices-per-request})
 */
public record RequestLimits(int maxPrompts, int maxChoices) {

  public static final int DEFAULT_MAX_PROMPTS = 256;
  public static final int DEFAULT_MAX_CHOICES = 256;

  /** Strings in {@code stop} (OpenAI allows 4; vLLM sets no cap). */
  public static final int MAX_STOP_STRINGS = 16;

  /** Characters in one stop string. */
  public static final int MAX_STOP_LENGTH = 256;

  /** Ids in {@code stop_token_ids}. */
  public static final int MAX_STOP_TOKEN_IDS = 256;

  /** Entries in {@code logit_bias}. */
  public static final int MAX_LOGIT_BIAS = 1024;

  /** Tools in {@code tools} (OpenAI's own cap). */
  public static final int MAX_TOOLS = 128;

  /** Characters in a tool's function name (OpenAI's cap). */
  public static final int MAX_TOOL_NAME_LENGTH = 64;

  /** The {@code tools} array's size as compact JSON, all tools together. */
  public static final int MAX_TOOLS_JSON_CHARS = 256 * 1024;

  public RequestLimits {
    if (maxPrompts < 1 || maxChoices < 1) {
      throw new IllegalArgumentException("request limits must be at least 1");
    }
  }

  public static RequestLimits defaults() {
    return new RequestLimits(DEFAULT_MAX_PROMPTS, DEFAULT_MAX_CHOICES);
  }

  /**
   * @throws io.qwenops.inference.api.ApiException 400 naming the limit when {@code prompts × n}
   *     exceeds it
   */
  public void checkChoices(int prompts, int n) {
    long choices = (long) prompts * n;
    if (choices > maxChoices) {
      throw io.qwenops.inference.api.ApiException.invalid(
          "This request asks for "
              + choices
              + " choices ("
              + prompts
              + " prompt(s) × n = "
              + n
              + "); at most "
              + maxChoices
              + " are allowed per request (--max-choices-per-request)",
          "n");
    }
  }
}
