package io.qwenops.inference.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * Scores prompt tokens from a step's logits (vLLM's prompt_logprobs): log-softmax in F32 on the
 * device over the rows that score prompts, then each row's value at the next prompt token, its rank
 * and its top k. Only those numbers are copied to the host, never whole vocabulary rows.
 */
final class PromptScorer {

  private PromptScorer() {}

  static void score(NDArray logits, List<BatchBuilder.PromptRows> groups) {
    int total = 0;
    int k = 0;
    for (BatchBuilder.PromptRows g : groups) {
      total += g.count();
      k = Math.max(k, g.sequence().promptLogprobs);
    }
    long[] rows = new long[total];
    long[] targets = new long[total];
    int i = 0;
    for (BatchBuilder.PromptRows g : groups) {
      for (int j = 0; j < g.count(); j++) {
        rows[i] = g.logitRow() + j;
        targets[i] = g.sequence().prompt[g.position() + j + 1];
        i++;
      }
    }
    NDArray logprobs =
        logits.get(new NDIndex("{}", logits.getManager().create(rows))).logSoftmax(1);
    NDArray chosenColumn =
        logprobs.gather(logits.getManager().create(targets, new Shape(total, 1)), 1);
    float[] chosen = chosenColumn.toFloatArray();
    long[] likelier =
        logprobs.gt(chosenColumn).toType(DataType.INT64, false).sum(new int[] {1}).toLongArray();
    float[] topValues = new float[0];
    long[] topIds = new long[0];
    if (k > 0) {
      NDList top = logprobs.topK(Math.min(k, (int) logprobs.getShape().get(1)), 1, true, true);
      topValues = top.get(0).toFloatArray();
      topIds = top.get(1).toLongArray();
      k = (int) top.get(0).getShape().get(1);
    }
    i = 0;
    for (BatchBuilder.PromptRows g : groups) {
      Sequence s = g.sequence();
      int wanted = Math.min(s.promptLogprobs, k);
      for (int j = 0; j < g.count(); j++) {
        List<TokenOutput.TokenLogprob> alternatives = new ArrayList<>(wanted);
        for (int a = 0; a < wanted; a++) {
          alternatives.add(
              new TokenOutput.TokenLogprob((int) topIds[i * k + a], topValues[i * k + a]));
        }
        int position = g.position() + j + 1;
        s.promptScores[position] =
            new PromptLogprob(
                s.prompt[position], chosen[i], (int) likelier[i] + 1, List.copyOf(alternatives));
        i++;
      }
    }
  }
}
