package io.qwenops.inference.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.qwenops.inference.model.matvec.DecodeMatVec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The Qwen2 forward pass with transformers' semantics (pre-norm blocks, F32 RMSNorm, half-split
 * rotary, biased q/k/v, GQA, SwiGLU, final norm, optionally tied lm_head), over a {@link
 * ForwardBatch} of many sequences at once against a {@link PagedKvCache}. Every array made during a
 * call belongs to the caller's step manager.
 *
 * <p>Activations are feature-major: the residual stream is [hidden, rows], so every projection is
 * {@code W · X} with the [out, in] weight as the left operand. On CPU, BLAS runs that layout faster
 * than {@code X · Wᵀ} for decode batches (a batch-16 step 244–257 ms against 339–345 ms, batch 1
 * unchanged; docs/benchmarks.md); only attention, which works per sequence, turns rows back to the
 * front.
 *
 * <p>On CPU in F32, steps of one to eight rows (single-stream and small-batch decode) take {@link
 * CpuDecodeForward} instead: the same math in Java on the Vector API kernel, 2.4–2.7× as fast per
 * step (docs/benchmarks.md). With BF16 or int8 weights ({@link WeightFormat}) there are no weight
 * tensors and every step, whatever its width, takes {@link CpuDecodeForward}.
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
  private final NDIndex qkRows;
  private final NDIndex vRows;
  private final NDIndex qHeads;
  private final NDIndex kHeads;
  private final NDIndex gateRows;
  private final NDIndex upRows;
  private final List<ColumnWeights> columns = new ArrayList<>();
  private final NDArray finalNorm;
  private final CpuDecodeForward cpuDecode; // null: every step through PyTorch

  /** Per-layer norm weights and bias as [n, 1] columns, to broadcast over [n, rows]. */
  private record ColumnWeights(NDArray inputNorm, NDArray qkvBias, NDArray postAttentionNorm) {}

  /** A model that takes the Java path for narrow steps where it can ({@link DecodeMatVec}). */
  public Qwen2Model(Qwen2Weights weights, int maxPositions) {
    this(weights, maxPositions, DecodeMatVec.forSetup(weights.setup()));
  }

  /** A model with the given decode kernel, or every step through PyTorch when empty. */
  public Qwen2Model(Qwen2Weights weights, int maxPositions, Optional<DecodeMatVec> decodeKernel) {
    this.weights = weights;
    this.config = weights.config();
    this.setup = weights.setup();
    this.heads = config.numAttentionHeads();
    this.kvHeads = config.numKeyValueHeads();
    this.headDim = config.headDim();
    this.repeats = config.queriesPerKvHead();
    this.scale = (float) (1.0 / Math.sqrt(headDim));
    this.rope = new RotaryEmbedding(headDim, config.ropeTheta(), maxPositions);
    // R·x = rotate_half(x) for a column x: the transpose of the row-vector matrix.
    this.rotateHalf =
        weights
            .manager()
            .create(rope.rotateHalfMatrix(), new Shape(headDim, headDim))
            .transpose()
            .toType(setup.weightType(), true);
    int q = heads * headDim;
    int kv = kvHeads * headDim;
    int inter = config.intermediateSize();
    this.qkRows = new NDIndex("0:" + (q + kv));
    this.vRows = new NDIndex((q + kv) + ":");
    this.qHeads = new NDIndex("0:" + heads);
    this.kHeads = new NDIndex(heads + ":");
    this.gateRows = new NDIndex("0:" + inter);
    this.upRows = new NDIndex(inter + ":");
    for (LayerWeights w : weights.layers()) {
      columns.add(
          new ColumnWeights(
              column(w.inputNorm()), column(w.qkvBias()), column(w.postAttentionNorm())));
    }
    this.finalNorm = weights.packed() == null ? column(weights.finalNorm()) : null;
    this.cpuDecode = CpuDecodeForward.create(weights, rope, decodeKernel).orElse(null);
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
   * Whether steps take the Java path: F32 ones of up to {@link DecodeMatVec#MAX_F32_STEP_ROWS}
   * rows, BF16/int8 ones of any width.
   */
  public boolean usesDecodeKernel() {
    return cpuDecode != null;
  }

  /**
   * Nanoseconds the last Java-path step spent in its projections (every layer's four matmuls and
   * lm_head), timed inside the pass: what a profile subtracts to see the rest of the step. Zero
   * before any Java-path step.
   */
  public long lastProjectionNanos() {
    return cpuDecode == null ? 0 : cpuDecode.projectionNanos();
  }

  /**
   * Runs the batch: writes every row's K/V into the cache and returns F32 logits [logitRows, vocab]
   * on {@code step} (possibly a transposed view).
   */
  public NDArray forward(ForwardBatch batch, PagedKvCache cache, NDManager step) {
    return logits(batch, cache, step).tensor(step);
  }

  /**
   * As {@link #forward}, with the logits left where the pass computed them: a Java array on the
   * Java path (no copy into a tensor), a tensor on PyTorch's.
   */
  public StepLogits logits(ForwardBatch batch, PagedKvCache cache, NDManager step) {
    if (cpuDecode != null && cpuDecode.serves(batch, cache)) {
      return cpuDecode.forward(batch);
    }
    return StepLogits.of(forwardOnTorch(batch, cache, step));
  }

  private NDArray forwardOnTorch(ForwardBatch batch, PagedKvCache cache, NDManager step) {
    int rows = batch.numRows();
    NDArray ids = step.create(batch.tokenIds());
    NDArray x = transposed(toF32(weights.embedding().get(step, new NDIndex("{}", ids))));
    NDArray cos = compute(step.create(rope.cos(batch.positions()), new Shape(headDim, rows)));
    NDArray sin = compute(step.create(rope.sin(batch.positions()), new Shape(headDim, rows)));
    NDIndex writeSlots = new NDIndex(":, {}", step.create(batch.writeSlots()));
    AttentionInputs attention = AttentionInputs.build(batch, step);

    for (int layer = 0; layer < config.numHiddenLayers(); layer++) {
      LayerWeights w = weights.layers().get(layer);
      ColumnWeights c = columns.get(layer);
      NDArray h = compute(rmsNorm(x, c.inputNorm()));
      NDArray qkv = project(w.qkvWeight(), h, step).add(c.qkvBias()); // [q + 2kv, rows]
      NDArray qk = qkv.get(qkRows).reshape(heads + kvHeads, headDim, rows);
      NDArray roped = qk.mul(cos).add(project(rotateHalf, qk, step).mul(sin));
      // The pool is [kvHeads, slots, headDim]: each row's [kvHeads, headDim] goes to its slot.
      cache.keys(layer).set(writeSlots, roped.get(kHeads).transpose(0, 2, 1));
      cache
          .values(layer)
          .set(writeSlots, qkv.get(vRows).reshape(kvHeads, headDim, rows).transpose(0, 2, 1));
      NDArray attended =
          attend(roped.get(qHeads), cache.keys(layer), cache.values(layer), batch, attention, step);
      x = x.add(toF32(project(w.oWeight(), attended, step)));

      NDArray gateUp = project(w.gateUpWeight(), compute(rmsNorm(x, c.postAttentionNorm())), step);
      NDArray gate = gateUp.get(gateRows);
      NDArray activated = gate.mul(gate.getNDArrayInternal().sigmoid()).mul(gateUp.get(upRows));
      x = x.add(toF32(project(w.downWeight(), activated, step)));
    }

    NDArray last = x;
    if (!batch.isAllRowsLogits()) {
      last = x.get(step, new NDIndex(":, {}", step.create(batch.logitRows())));
    }
    NDArray normed = compute(rmsNorm(last, finalNorm));
    return toF32(project(weights.lmHead(), normed, step)).transpose();
  }

  /**
   * Attention of every row against its sequence's cached context. {@code q} is [heads, headDim,
   * rows]; the result is [heads * headDim, rows], contiguous for the o-projection.
   */
  private NDArray attend(
      NDArray q,
      NDArray keys,
      NDArray values,
      ForwardBatch batch,
      AttentionInputs inputs,
      NDManager step) {
    NDList parts = new NDList();
    int decodes = inputs.decodeCount();
    int rows = batch.numRows();
    NDArray grouped = q.reshape(kvHeads, repeats, headDim, rows);
    if (decodes > 0) {
      NDArray qd =
          (decodes == rows ? grouped : grouped.get("..., 0:" + decodes))
              .transpose(0, 3, 1, 2); // [kvh, B, rep, hd]
      // Gathered K/V are [kvh, B, L, hd] and contiguous: BLAS reads K transposed in place.
      NDIndex gather = inputs.decodeGather();
      NDArray k = keys.get(step, gather).transpose(0, 1, 3, 2); // [kvh, B, hd, L]
      NDArray v = values.get(step, gather);
      NDArray probs = softmax(qd.matMul(k), inputs.decodeMask()); // [kvh, B, rep, L]
      parts.add(columnsFirst(probs.matMul(v).transpose(0, 2, 3, 1), decodes));
    }
    for (int i = decodes; i < batch.chunks().size(); i++) {
      ForwardBatch.Chunk chunk = batch.chunks().get(i);
      int n = chunk.numTokens();
      NDArray qp =
          grouped
              .get("..., " + chunk.firstRow() + ":" + (chunk.firstRow() + n))
              .transpose(0, 1, 3, 2); // [kvh, rep, n, hd]
      NDIndex gather = inputs.prefillGather(i - decodes);
      NDArray k = keys.get(step, gather).expandDims(1).transpose(0, 1, 3, 2); // [kvh, 1, hd, L]
      NDArray v = values.get(step, gather).expandDims(1); // [kvh, 1, L, hd]
      NDArray probs = softmax(qp.matMul(k), inputs.prefillMask(i - decodes));
      parts.add(columnsFirst(probs.matMul(v).transpose(0, 1, 3, 2), n));
    }
    return parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts, 1);
  }

  /**
   * {@code weight · x}, owned by the step: DJL gives a result to its left operand's manager, which
   * here is the long-lived weights' one.
   */
  private static NDArray project(NDArray weight, NDArray x, NDManager step) {
    NDArray y = weight.matMul(x);
    y.attach(step);
    return y;
  }

  /** [kvh, rep, hd, n] (any strides) to a contiguous [heads * headDim, n]. */
  private NDArray columnsFirst(NDArray perHead, int n) {
    return n == 1
        ? perHead.reshape(heads * headDim, 1)
        : perHead.flatten().reshape(heads * headDim, n);
  }

  /** Scaled, masked softmax in F32 (as transformers does), cast back to the compute type. */
  private NDArray softmax(NDArray scores, NDArray mask) {
    return compute(toF32(scores).mul(scale).add(mask).softmax(-1));
  }

  /**
   * transformers' Qwen2RMSNorm over the feature axis: x * rsqrt(mean(x²) + eps), in F32, times w.
   */
  private NDArray rmsNorm(NDArray x, NDArray weight) {
    NDArray variance = x.square().mean(new int[] {0}, true);
    return x.div(variance.add(config.rmsNormEps()).sqrt()).mul(weight);
  }

  /** A contiguous transpose of a 2-D array (a copy: BLAS wants the plain layout). */
  private static NDArray transposed(NDArray a) {
    Shape s = a.getShape();
    return s.get(0) == 1
        ? a.reshape(s.get(1), 1)
        : a.transpose().flatten().reshape(s.get(1), s.get(0));
  }

  private static NDArray column(NDArray vector) {
    return vector.reshape(vector.getShape().get(0), 1);
  }

  private NDArray compute(NDArray x) {
    return setup.mixed() ? x.toType(setup.weightType(), false) : x;
  }

  private static NDArray toF32(NDArray x) {
    return x.getDataType() == DataType.FLOAT32 ? x : x.toType(DataType.FLOAT32, false);
  }
}
