package io.qwenops.inference.api.generate;

import io.qwenops.inference.api.wire.CompletionWire;
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

  /** An echoed prompt token: it has text but no score (the engine does not score prompts). */
  public void promptToken(int tokenId, String text) {
    tokens.add(texts.text(tokenId));
    logprobs.add(null);
    top.add(null);
    offsets.add(offset);
    offset += text.length();
  }

  /** A generated token; its alternatives as {text: logprob}, the chosen one always included. */
  public void generated(TokenOutput t) {
    String token = texts.text(t.tokenId());
    tokens.add(token);
    logprobs.add(TokenTexts.logprob(t.logprob()));
    Map<String, Double> alternatives = new LinkedHashMap<>();
    for (TokenOutput.TokenLogprob alt : t.topLogprobs()) {
      alternatives.put(texts.text(alt.tokenId()), TokenTexts.logprob(alt.logprob()));
    }
    alternatives.putIfAbsent(token, TokenTexts.logprob(t.logprob()));
    top.add(alternatives);
    offsets.add(offset);
    offset += t.text().length();
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
