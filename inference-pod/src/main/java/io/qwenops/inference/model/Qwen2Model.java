package io.qwenops.inference.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;

/**
 * The Qwen2 forward pass with transformers' semantics (pre-norm blocks, F32 RMSNorm, half-split
 * rotary, biased q/k/v, GQA, SwiGLU, final norm, optionally tied lm_head), over a {@link
 * ForwardBatch} of many sequences at once against a {@link PagedKvCache}. Every array made during a
 * call belongs to the caller's step manager.
 */
public final class Qwen2Model {

  private final ModelConfig config;
  private final Qwen2Weights weights;
  private final ComputeSetup setup;
  private final RotaryEmbedding rope;
  private final NDArray rotateHalf;
  private final int heads;
  private final int kvHeads;
  private final int headDim;
  private final int repeats;
  private final float scale;
  private final NDIndex qkSlice;
  private final NDIndex vSlice;
  private final NDIndex qHeads;
  private final NDIndex kHeads;
  private final NDIndex gateSlice;
  private final NDIndex upSlice;

  public Qwen2Model(Qwen2Weights weights, int maxPositions) {
    this.weights = weights;
    this.config = weights.config();
    this.setup = weights.setup();
    this.heads = config.numAttentionHeads();
    this.kvHeads = config.numKeyValueHeads();
    this.headDim = config.headDim();
    this.repeats = config.queriesPerKvHead();
    this.scale = (float) (1.0 / Math.sqrt(headDim));
    this.rope = new RotaryEmbedding(headDim, config.ropeTheta(), maxPositions);
    this.rotateHalf =
        weights
            .manager()
            .create(rope.rotateHalfMatrix(), new Shape(headDim, headDim))
            .toType(setup.weightType(), false);
    int q = heads * headDim;
    int kv = kvHeads * headDim;
    int inter = config.intermediateSize();
    this.qkSlice = new NDIndex(":, 0:" + (q + kv));
    this.vSlice = new NDIndex(":, " + (q + kv) + ":");
    this.qHeads = new NDIndex(":, 0:" + heads);
    this.kHeads = new NDIndex(":, " + heads + ":");
    this.gateSlice = new NDIndex(":, 0:" + inter);
    this.upSlice = new NDIndex(":, " + inter + ":");
  }

  public ModelConfig config() {
    return config;
  }

  public Qwen2Weights weights() {
    return weights;
  }

  public int maxPositions() {
    return rope.maxPositions();
  }

  /**
   * Runs the batch: writes every row's K/V into the cache and returns F32 logits [logitRows, vocab]
   * on {@code step}.
   */
  public NDArray forward(ForwardBatch batch, PagedKvCache cache, NDManager step) {
    int rows = batch.numRows();
    NDArray ids = step.create(batch.tokenIds());
    NDArray x = toF32(weights.embedding().get(step, new NDIndex("{}", ids)));
    NDArray cos = compute(step.create(rope.cos(batch.positions()), new Shape(rows, 1, headDim)));
    NDArray sin = compute(step.create(rope.sin(batch.positions()), new Shape(rows, 1, headDim)));
    NDIndex writeSlots = new NDIndex("{}", step.create(batch.writeSlots()));
    AttentionInputs attention = AttentionInputs.build(batch, step);

    for (int layer = 0; layer < config.numHiddenLayers(); layer++) {
      LayerWeights w = weights.layers().get(layer);
      NDArray h = compute(rmsNorm(x, w.inputNorm()));
      NDArray qkv = linear(h, w.qkvWeight(), w.qkvBias());
      NDArray qk = qkv.get(qkSlice).reshape(rows, heads + kvHeads, headDim);
      NDArray roped = qk.mul(cos).add(qk.matMul(rotateHalf).mul(sin));
      NDArray q = roped.get(qHeads);
      cache.keys(layer).set(writeSlots, roped.get(kHeads));
      cache.values(layer).set(writeSlots, qkv.get(vSlice).reshape(rows, kvHeads, headDim));
      NDArray attended = attend(q, cache.keys(layer), cache.values(layer), batch, attention, step);
      x = x.add(toF32(linear(attended, w.oWeight(), null)));

      NDArray gateUp = linear(compute(rmsNorm(x, w.postAttentionNorm())), w.gateUpWeight(), null);
      NDArray gate = gateUp.get(gateSlice);
      NDArray activated = gate.mul(gate.getNDArrayInternal().sigmoid()).mul(gateUp.get(upSlice));
      x = x.add(toF32(linear(activated, w.downWeight(), null)));
    }

    NDArray last = x;
    if (!batch.isAllRowsLogits()) {
      last = x.get(step, new NDIndex("{}", step.create(batch.logitRows())));
    }
    NDArray normed = compute(rmsNorm(last, weights.finalNorm()));
    return toF32(linear(normed, weights.lmHead(), null));
  }

  private NDArray attend(
      NDArray q,
      NDArray keys,
      NDArray values,
      ForwardBatch batch,
      AttentionInputs inputs,
      NDManager step) {
    NDList parts = new NDList();
    int decodes = inputs.decodeCount();
    if (decodes > 0) {
      NDArray qd =
          (decodes == batch.numRows() ? q : q.get("0:" + decodes))
              .reshape(decodes, kvHeads, repeats, headDim);
      NDIndex gather = inputs.decodeGather();
      NDArray k = keys.get(step, gather).transpose(0, 2, 3, 1); // [B, kvh, hd, L]
      NDArray v = values.get(step, gather).transpose(0, 2, 1, 3); // [B, kvh, L, hd]
      NDArray probs = softmax(qd.matMul(k), inputs.decodeMask());
      parts.add(probs.matMul(v).reshape(decodes, heads * headDim));
    }
    for (int i = decodes; i < batch.chunks().size(); i++) {
      ForwardBatch.Chunk chunk = batch.chunks().get(i);
      int n = chunk.numTokens();
      NDArray qp =
          q.get(chunk.firstRow() + ":" + (chunk.firstRow() + n))
              .reshape(n, kvHeads, repeats, headDim)
              .transpose(1, 2, 0, 3); // [kvh, rep, n, hd]
      NDIndex gather = inputs.prefillGather(i - decodes);
      NDArray k = keys.get(step, gather).transpose(1, 2, 0).expandDims(1); // [kvh, 1, hd, L]
      NDArray v = values.get(step, gather).transpose(1, 0, 2).expandDims(1); // [kvh, 1, L, hd]
      NDArray probs = softmax(qp.matMul(k), inputs.prefillMask(i - decodes));
      parts.add(probs.matMul(v).transpose(2, 0, 1, 3).reshape(n, heads * headDim));
    }
    return parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts, 0);
  }

  /** Scaled, masked softmax in F32 (as transformers does), cast back to the compute type. */
  private NDArray softmax(NDArray scores, NDArray mask) {
    return compute(toF32(scores).mul(scale).add(mask).softmax(-1));
  }

  /** transformers' Qwen2RMSNorm: x * rsqrt(mean(x²) + eps), in F32, then times the weight. */
  private NDArray rmsNorm(NDArray x, NDArray weight) {
    NDArray variance = x.square().mean(new int[] {-1}, true);
    return x.div(variance.add(config.rmsNormEps()).sqrt()).mul(weight);
  }

  private static NDArray linear(NDArray x, NDArray weight, NDArray bias) {
    return Linear.linear(x, weight, bias).singletonOrThrow();
  }

  private NDArray compute(NDArray x) {
    return setup.mixed() ? x.toType(setup.weightType(), false) : x;
  }

  private static NDArray toF32(NDArray x) {
    return x.getDataType() == DataType.FLOAT32 ? x : x.toType(DataType.FLOAT32, false);
  }
}
