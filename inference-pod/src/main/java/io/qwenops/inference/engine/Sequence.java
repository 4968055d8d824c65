package io.qwenops.inference.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One request inside the engine: its tokens (prompt then output), how many of them are in the KV
 * cache ({@code computed}), its block table, and its streaming state. Touched only by the step
 * thread.
 */
final class Sequence {

  final String id;
  final long order;
  final int[] prompt;
  final ResolvedSampling sampling;
  final GenerationListener listener;
  final SplittableRandom random;
  final IncrementalDetokenizer detokenizer;
  final StopStringMatcher stopMatcher;
  final long arrivedNanos;

  /** Alternatives per scored prompt token, or null when the prompt is not scored. */
  final Integer promptLogprobs;

  /** Null, or the grammar the output must follow. */
  final TokenConstraint constraint;

  /** Prompt scores filled as chunks compute (entry p scores prompt[p]); null when not asked. */
  final PromptLogprob[] promptScores;

  boolean promptScoresDelivered;

  int[] output = new int[16];
  int outputLength;

  /** Tokens whose K/V are in the cache. */
  int computed;

  /** KV blocks in position order: position p lives in block blocks.get(p / blockSize). */
  final List<Integer> blocks = new ArrayList<>();

  /** Full blocks already registered in the prefix cache, and the last one's entry (or null). */
  int hashedBlocks;

  PrefixCache.Entry lastHashed;

  long scheduledNanos;
  long firstTokenNanos;
  int cachedPromptTokens;
  boolean prefixLookedUp;

  Sequence(
      String id,
      long order,
      int[] prompt,
      ResolvedSampling sampling,
      GenerationListener listener,
      SplittableRandom random,
      IncrementalDetokenizer detokenizer,
      long arrivedNanos,
      Integer promptLogprobs,
      TokenConstraint constraint) {
    this.id = id;
    this.order = order;
    this.prompt = prompt;
    this.sampling = sampling;
    this.listener = listener;
    this.random = random;
    this.detokenizer = detokenizer;
    this.stopMatcher = new StopStringMatcher(sampling.stop());
    this.arrivedNanos = arrivedNanos;
    this.promptLogprobs = promptLogprobs;
    this.constraint = constraint;
    this.promptScores = promptLogprobs == null ? null : new PromptLogprob[prompt.length];
    if (promptScores != null) {
      promptScores[0] = new PromptLogprob(prompt[0], Double.NaN, 0, List.of());
    }
  }

  /** Still owes its listener the prompt's logprobs (so it must compute every prompt position). */
  boolean scoresPrompt() {
    return promptScores != null && !promptScoresDelivered;
  }

  /** Whether the logits at {@code position} are still needed to score the next prompt token. */
  boolean needsPromptRow(int position) {
    return scoresPrompt() && position + 1 < prompt.length && promptScores[position + 1] == null;
  }

  int length() {
    return prompt.length + outputLength;
  }

  int token(int position) {
    return position < prompt.length ? prompt[position] : output[position - prompt.length];
  }

  /** Prompt and output so far, as one array. */
  int[] allTokens() {
    int[] all = Arrays.copyOf(prompt, length());
    System.arraycopy(output, 0, all, prompt.length, outputLength);
    return all;
  }

  void append(int tokenId) {
    if (outputLength == output.length) {
      output = Arrays.copyOf(output, output.length * 2);
    }
    output[outputLength++] = tokenId;
  }

  long slot(int position, int blockSize) {
    return (long) blocks.get(position / blockSize) * blockSize + position % blockSize;
  }
}
