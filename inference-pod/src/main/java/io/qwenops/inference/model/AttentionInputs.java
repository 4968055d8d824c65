package io.qwenops.inference.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * Per-step gather indices (into the pool's slot axis) and additive masks, built once and shared by
 * all layers. Decodes are padded to the longest context (padding reads slot 0 and is masked out);
 * each prefill chunk gets its own causal mask, offset by the tokens already in its context.
 */
final class AttentionInputs {

  private final int decodeCount;
  private final NDIndex decodeGather;
  private final NDArray decodeMask;
  private final List<NDIndex> prefillGathers = new ArrayList<>();
  private final List<NDArray> prefillMasks = new ArrayList<>();

  private AttentionInputs(int decodeCount, NDIndex decodeGather, NDArray decodeMask) {
    this.decodeCount = decodeCount;
    this.decodeGather = decodeGather;
    this.decodeMask = decodeMask;
  }

  static AttentionInputs build(ForwardBatch batch, NDManager step) {
    int decodes = batch.decodeCount();
    NDIndex gather = null;
    NDArray mask = null;
    if (decodes > 0) {
      int longest = 0;
      for (int i = 0; i < decodes; i++) {
        longest = Math.max(longest, batch.chunks().get(i).contextLength());
      }
      long[] slots = new long[decodes * longest];
      float[] masks = new float[decodes * longest];
      for (int i = 0; i < decodes; i++) {
        long[] context = batch.chunks().get(i).contextSlots();
        System.arraycopy(context, 0, slots, i * longest, context.length);
        java.util.Arrays.fill(
            masks, i * longest + context.length, (i + 1) * longest, maskedValue());
      }
      gather = new NDIndex(":, {}", step.create(slots, new Shape(decodes, longest)));
      mask = step.create(masks, new Shape(1, decodes, 1, longest));
    }
    AttentionInputs inputs = new AttentionInputs(decodes, gather, mask);
    for (int i = decodes; i < batch.chunks().size(); i++) {
      ForwardBatch.Chunk chunk = batch.chunks().get(i);
      int n = chunk.numTokens();
      int context = chunk.contextLength();
      int past = context - n;
      float[] causal = new float[n * context];
      for (int row = 0; row < n; row++) {
        java.util.Arrays.fill(
            causal, row * context + past + row + 1, (row + 1) * context, maskedValue());
      }
      inputs.prefillGathers.add(new NDIndex(":, {}", step.create(chunk.contextSlots())));
      inputs.prefillMasks.add(step.create(causal, new Shape(n, context)));
    }
    return inputs;
  }

  private static float maskedValue() {
    return -1e30f;
  }

  int decodeCount() {
    return decodeCount;
  }

  NDIndex decodeGather() {
    return decodeGather;
  }

  NDArray decodeMask() {
    return decodeMask;
  }

  NDIndex prefillGather(int i) {
    return prefillGathers.get(i);
  }

  NDArray prefillMask(int i) {
    return prefillMasks.get(i);
  }
}
