package io.qwenops.inference.api.generate;

import io.qwenops.inference.api.PromptTokenizer;
import io.qwenops.inference.api.wire.VllmLogprob;
import io.qwenops.inference.engine.PromptLogprob;
import io.qwenops.inference.engine.TokenOutput;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds vLLM's {@code prompt_logprobs} from the engine's prompt scores: per token {@code {id:
 * {logprob, rank, decoded_token}}}, the prompt token first, then its k likeliest alternatives
 * (ranks 1..k); the prompt token appears once even when it is one of them.
 */
public final class PromptLogprobsList {

  private PromptLogprobsList() {}

  /**
   * @param k alternatives per token (the engine may have scored more for an echo)
   */
  public static List<Map<String, VllmLogprob>> of(
      List<PromptLogprob> scores, int k, PromptTokenizer tokenizer) {
    List<Map<String, VllmLogprob>> out = new ArrayList<>(scores.size());
    for (PromptLogprob p : scores) {
      if (Double.isNaN(p.logprob())) {
        out.add(null);
        continue;
      }
      Map<String, VllmLogprob> entry = new LinkedHashMap<>();
      entry.put(
          Integer.toString(p.tokenId()),
          new VllmLogprob(
              TokenTexts.logprob(p.logprob()), p.rank(), tokenizer.tokenText(p.tokenId())));
      List<TokenOutput.TokenLogprob> top = p.top();
      for (int a = 0; a < Math.min(k, top.size()); a++) {
        TokenOutput.TokenLogprob alt = top.get(a);
        entry.putIfAbsent(
            Integer.toString(alt.tokenId()),
            new VllmLogprob(
                TokenTexts.logprob(alt.logprob()), a + 1, tokenizer.tokenText(alt.tokenId())));
      }
      out.add(entry);
    }
    return out;
  }
}
