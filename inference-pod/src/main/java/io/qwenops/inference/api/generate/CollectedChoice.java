package io.qwenops.inference.api.generate;

import io.qwenops.inference.api.ApiException;
import io.qwenops.inference.engine.FinishReason;
import io.qwenops.inference.engine.PromptLogprob;
import io.qwenops.inference.engine.TokenOutput;
import java.util.ArrayList;
import java.util.List;

/**
 * One choice of a non-streaming answer, gathered from its events: what chat and completions both
 * build their bodies from.
 *
 * @param promptScores the prompt's logprobs when they were asked for, else null
 */
public record CollectedChoice(
    String text, List<TokenOutput> tokens, List<PromptLogprob> promptScores, FinishReason reason) {

  /**
   * Waits for every choice to end, keeping the connection checked.
   *
   * @throws ClientGoneException when the client left (the caller's Generation aborts the rest)
   * @throws ApiException when the engine failed
   */
  public static List<CollectedChoice> collect(
      Generation generation, int choices, Generation.KeepAlive keepAlive)
      throws InterruptedException {
    StringBuilder[] texts = new StringBuilder[choices];
    List<List<TokenOutput>> tokens = new ArrayList<>();
    List<List<PromptLogprob>> prompts = new ArrayList<>();
    FinishReason[] reasons = new FinishReason[choices];
    for (int i = 0; i < choices; i++) {
      texts[i] = new StringBuilder();
      tokens.add(new ArrayList<>());
      prompts.add(null);
    }
    for (GenerationEvent e = generation.next(keepAlive);
        e != null;
        e = generation.next(keepAlive)) {
      switch (e) {
        case GenerationEvent.PromptScores p -> prompts.set(p.index(), p.scores());
        case GenerationEvent.Token t -> {
          texts[t.index()].append(t.token().text());
          tokens.get(t.index()).add(t.token());
        }
        case GenerationEvent.Finished f -> reasons[f.index()] = f.reason();
        case GenerationEvent.Failed f -> throw generation.failure(f);
      }
    }
    List<CollectedChoice> out = new ArrayList<>(choices);
    for (int i = 0; i < choices; i++) {
      out.add(
          new CollectedChoice(
              texts[i].toString(), List.copyOf(tokens.get(i)), prompts.get(i), reasons[i]));
    }
    return out;
  }

  /** Generated tokens over all choices (usage.completion_tokens). */
  public static int generatedTokens(List<CollectedChoice> choices) {
    int n = 0;
    for (CollectedChoice c : choices) {
      n += c.tokens().size();
    }
    return n;
  }
}
