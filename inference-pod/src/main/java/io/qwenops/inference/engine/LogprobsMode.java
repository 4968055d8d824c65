package io.qwenops.inference.engine;

import java.util.Locale;

/**
 * Which numbers {@code logprobs} report, as vLLM's {@code --logprobs-mode}. The raw modes read the
 * model's own row, before logit bias, min-tokens masking, penalties, temperature and truncation
 * (what scoring and confidence need); the processed modes read the row the token was drawn from:
 * after penalties, temperature and top-k/top-p/min-p (removed tokens are -inf). The logits modes
 * report the logit itself instead of its log-softmax.
 */
public enum LogprobsMode {
  RAW_LOGPROBS,
  RAW_LOGITS,
  PROCESSED_LOGPROBS,
  PROCESSED_LOGITS;

  /** vLLM's spelling, e.g. {@code raw_logprobs}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * @throws IllegalArgumentException naming the four choices for anything else
   */
  public static LogprobsMode parse(String s) {
    for (LogprobsMode m : values()) {
      if (m.wireName().equals(s.trim())) {
        return m;
      }
    }
    throw new IllegalArgumentException(
        "logprobs mode must be raw_logprobs, raw_logits, processed_logprobs or processed_logits,"
            + " got '"
            + s
            + "'");
  }

  boolean raw() {
    return this == RAW_LOGPROBS || this == RAW_LOGITS;
  }

  /** The reported numbers of one row, in the mode's terms (the row is not changed). */
  double[] report(float[] logits) {
    if (this == RAW_LOGITS || this == PROCESSED_LOGITS) {
      double[] out = new double[logits.length];
      for (int i = 0; i < logits.length; i++) {
        out[i] = logits[i];
      }
      return out;
    }
    return LogitsProcessors.logSoftmax(logits);
  }
}
