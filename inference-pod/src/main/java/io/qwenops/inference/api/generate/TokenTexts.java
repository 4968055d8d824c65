package io.qwenops.inference.api.generate;

import io.qwenops.inference.api.PromptTokenizer;
import io.qwenops.inference.api.wire.ChatWire;
import io.qwenops.inference.engine.TokenOutput;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Spells tokens and their logprobs for the wire. */
public final class TokenTexts {

  /** JSON has no -Infinity; vLLM reports impossible tokens as -9999.0, and so do we. */
  static final double FLOOR = -9999.0;

  private final PromptTokenizer tokenizer;
  private final boolean asTokenIds;

  public TokenTexts(PromptTokenizer tokenizer, boolean asTokenIds) {
    this.tokenizer = tokenizer;
    this.asTokenIds = asTokenIds;
  }

  /** The token as text, or {@code token_id:N} when the client asked for ids. */
  public String text(int tokenId) {
    return asTokenIds ? "token_id:" + tokenId : tokenizer.tokenText(tokenId);
  }

  public static double logprob(double lp) {
    return Double.isNaN(lp) ? FLOOR : Math.max(lp, FLOOR);
  }

  public ChatWire.TokenLogprob chatEntry(TokenOutput t) {
    String token = text(t.tokenId());
    List<ChatWire.TopLogprob> tops = new ArrayList<>();
    for (TokenOutput.TokenLogprob alt : t.topLogprobs()) {
      String s = text(alt.tokenId());
      tops.add(new ChatWire.TopLogprob(s, logprob(alt.logprob()), bytes(s)));
    }
    return new ChatWire.TokenLogprob(token, logprob(t.logprob()), bytes(token), tops);
  }

  static List<Integer> bytes(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    List<Integer> out = new ArrayList<>(b.length);
    for (byte x : b) {
      out.add(x & 0xff);
    }
    return out;
  }
}
