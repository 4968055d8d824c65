package io.qwenops.inference.engine;

import io.qwenops.inference.model.ForwardBatch;
import java.util.ArrayList;
import java.util.List;

/** Flattens a step's work (decodes first) into the rows and KV slots the model reads. */
final class BatchBuilder {

  private BatchBuilder() {}

  static ForwardBatch build(List<ContinuousBatchScheduler.Work> work, int blockSize) {
    int rows = 0;
    for (ContinuousBatchScheduler.Work w : work) {
      rows += w.tokens();
    }
    int[] tokens = new int[rows];
    int[] positions = new int[rows];
    long[] slots = new long[rows];
    List<ForwardBatch.Chunk> chunks = new ArrayList<>(work.size());
    List<Integer> logitRows = new ArrayList<>();
    int row = 0;
    for (ContinuousBatchScheduler.Work w : work) {
      Sequence s = w.sequence();
      int end = s.computed + w.tokens();
      long[] context = new long[end];
      for (int p = 0; p < end; p++) {
        context[p] = s.slot(p, blockSize);
      }
      chunks.add(new ForwardBatch.Chunk(row, w.tokens(), context));
      for (int p = s.computed; p < end; p++) {
        tokens[row] = s.token(p);
        positions[row] = p;
        slots[row] = context[p];
        row++;
      }
      if (end == s.length()) {
        logitRows.add(row - 1);
      }
    }
    return new ForwardBatch(
        tokens, positions, slots, chunks, logitRows.stream().mapToInt(Integer::intValue).toArray());
  }
}
