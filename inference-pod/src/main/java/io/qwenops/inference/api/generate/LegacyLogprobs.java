package io.qwenops.inference.api.generate;

import io.qwenops.inference.api.wire.CompletionWire;
import io.qwenops.inference.engine.PromptLogprob;
import io.qwenops.inference.engine.TokenOutput;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Accumulates the legacy completions {@code logprobs} object for one choice. */
public final class LegacyLogprobs {

  private final TokenTexts texts;
  private final List<String> tokens = new ArrayList<>();
  private final List<Double> logprobs = new ArrayList<>();
  private final List<Map<String, Double>> top = new ArrayList<>();
  private final List<Integer> offsets = new ArrayList<>();
  private int offset;

  public LegacyLogprobs(TokenTexts texts, int startOffset) {
    this.texts = texts;
    this.offset = startOffset;
  }

  /**
   * The echoed prompt's tokens with their scores (the first token has none: null logprob and null
   * alternatives, as OpenAI and vLLM send it), at most {@code k} alternatives each (the engine may
   * have scored more for {@code prompt_logprobs}). A token's text_offset counts the characters that
   * start in the tokens before it, so offsets index the echoed text even when a character spans two
   * tokens.
   */
  public void prompt(
      List<PromptLogprob> scores, int k, java.util.function.IntFunction<byte[]> bytes) {
    for (PromptLogprob p : scores) {
      String token = texts.text(p.tokenId());
      tokens.add(token);
      if (Double.isNaN(p.logprob())) {
        logprobs.add(null);
        top.add(null);
      } else {
        logprobs.add(TokenTexts.logprob(p.logprob()));
        top.add(alternatives(token, p.logprob(), p.top().subList(0, Math.min(k, p.top().size()))));
      }
      offsets.add(offset);
      offset += utf16Starts(bytes.apply(p.tokenId()));
    }
  }

  /** UTF-16 units of the characters whose first byte is in {@code b} (Java string length). */
  static int utf16Starts(byte[] b) {
    int n = 0;
    for (byte x : b) {
      if ((x & 0xC0) != 0x80) {
        n += (x & 0xF8) == 0xF0 ? 2 : 1;
      }
    }
    return n;
  }

  /** A generated token; its alternatives as {text: logprob}, the chosen one always included. */
  public void generated(TokenOutput t) {
    String token = texts.text(t.tokenId());
    tokens.add(token);
    logprobs.add(TokenTexts.logprob(t.logprob()));
    Map<String, Double> alternatives = alternatives(token, t.logprob(), t.topLogprobs());
    top.add(alternatives);
    offsets.add(offset);
    offset += t.text().length();
  }

  /** The alternatives as {text: logprob}, best first, the chosen token always included. */
  private Map<String, Double> alternatives(
      String token, double logprob, List<TokenOutput.TokenLogprob> top) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (TokenOutput.TokenLogprob alt : top) {
      out.put(texts.text(alt.tokenId()), TokenTexts.logprob(alt.logprob()));
    }
    out.putIfAbsent(token, TokenTexts.logprob(logprob));
    return out;
  }

  public CompletionWire.Logprobs build() {
    return new CompletionWire.Logprobs(
        List.copyOf(tokens), new ArrayList<>(logprobs), new ArrayList<>(top), List.copyOf(offsets));
  }

  /** Hands out what was added since the last call (for a streamed chunk) and starts afresh. */
  public CompletionWire.Logprobs drain() {
    CompletionWire.Logprobs out = build();
    tokens.clear();
    logprobs.clear();
    top.clear();
    offsets.clear();
    return out;
  }
}
