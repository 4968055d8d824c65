package io.qwenops.inference.engine;

import io.qwenops.inference.model.ForwardBatch;
import java.util.ArrayList;
import java.util.List;

/** Flattens a step's work (decodes first) into the rows and KV slots the model reads. */
final class BatchBuilder {

  private BatchBuilder() {}

  /**
   * Logits rows that score a request's prompt: logits row {@code logitRow + i} is computed at
   * prompt position {@code position + i} and scores prompt token {@code position + i + 1}.
   */
  record PromptRows(Sequence sequence, int logitRow, int position, int count) {}

  /**
   * A step's batch and what its logits rows are for.
   *
   * @param sampleRows for each sequence that samples this step (in work order), its logits row
   * @param promptRows rows that score prompts (empty unless a request asked for prompt logprobs)
   */
  record Built(ForwardBatch batch, int[] sampleRows, List<PromptRows> promptRows) {}

  static Built build(List<ContinuousBatchScheduler.Work> work, int blockSize) {
    int rows = 0;
    for (ContinuousBatchScheduler.Work w : work) {
      rows += w.tokens();
    }
    int[] tokens = new int[rows];
    int[] positions = new int[rows];
    long[] slots = new long[rows];
    List<ForwardBatch.Chunk> chunks = new ArrayList<>(work.size());
    List<Integer> logitRows = new ArrayList<>();
    List<Integer> sampleRows = new ArrayList<>();
    List<PromptRows> promptRows = new ArrayList<>();
    int row = 0;
    for (ContinuousBatchScheduler.Work w : work) {
      Sequence s = w.sequence();
      int end = s.computed + w.tokens();
      long[] context = new long[end];
      for (int p = 0; p < end; p++) {
        context[p] = s.slot(p, blockSize);
      }
      chunks.add(new ForwardBatch.Chunk(row, w.tokens(), context));
      PromptRows open = null;
      for (int p = s.computed; p < end; p++) {
        tokens[row] = s.token(p);
        positions[row] = p;
        slots[row] = context[p];
        if (s.needsPromptRow(p)) {
          if (open != null && open.position() + open.count() != p) {
            promptRows.add(open);
            open = null;
          }
          if (open == null) {
            open = new PromptRows(s, logitRows.size(), p, 0);
          }
          open = new PromptRows(s, open.logitRow(), open.position(), open.count() + 1);
          logitRows.add(row);
        }
        row++;
      }
      if (open != null) {
        promptRows.add(open);
      }
      if (end == s.length()) {
        sampleRows.add(logitRows.size());
        logitRows.add(row - 1);
      }
    }
    ForwardBatch batch =
        new ForwardBatch(
            tokens,
            positions,
            slots,
            chunks,
            logitRows.stream().mapToInt(Integer::intValue).toArray());
    return new Built(
        batch, sampleRows.stream().mapToInt(Integer::intValue).toArray(), List.copyOf(promptRows));
  }
}
