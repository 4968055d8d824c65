package io.qwenops.inference.model;

import java.util.List;

/**
 * What one engine step asks the model to compute: the new tokens of every scheduled sequence,
 * flattened into rows. Single-token chunks (decodes) must come first; they share one padded
 * attention call, while longer (prefill) chunks attend one by one.
 *
 * @param tokenIds new tokens, one per row
 * @param positions absolute position of each row's token in its sequence
 * @param writeSlots KV-pool slot each row's key/value is written to
 * @param chunks the sequences, in row order
 * @param logitRows rows whose next-token logits are wanted, ascending: the last row of a chunk that
 *     completes its sequence's known tokens, and the prompt rows of a request that scores its
 *     prompt
 */
public record ForwardBatch(
    int[] tokenIds, int[] positions, long[] writeSlots, List<Chunk> chunks, int[] logitRows) {

  /**
   * One sequence's part of the batch.
   *
   * @param firstRow row of the chunk's first token
   * @param numTokens rows in this chunk
   * @param contextSlots KV slots of every position 0..(last position of the chunk), in order
   */
  public record Chunk(int firstRow, int numTokens, long[] contextSlots) {
    public int contextLength() {
      return contextSlots.length;
    }
  }

  public int numRows() {
    return tokenIds.length;
  }

  /** True when every row needs logits, in order (a pure decode step): no gather needed. */
  public boolean isAllRowsLogits() {
    if (logitRows.length != tokenIds.length) {
      return false;
    }
    for (int i = 0; i < logitRows.length; i++) {
      if (logitRows[i] != i) {
        return false;
      }
    }
    return true;
  }

  /** Number of leading single-token chunks. */
  public int decodeCount() {
    int n = 0;
    while (n < chunks.size() && chunks.get(n).numTokens() == 1) {
      n++;
    }
    return n;
  }
}
