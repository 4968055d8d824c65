package io.qwenops.inference.model;

import ai.djl.ndarray.NDArray;
import io.qwenops.inference.model.matvec.DecodeMatVec;
import io.qwenops.inference.model.matvec.Matrix;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The Qwen2 forward pass in Java for steps of one to {@link DecodeMatVec#MAX_F32_STEP_ROWS} rows on
 * CPU in F32, and for every step with BF16 or int8 weights ({@link CpuWeights}, no other path
 * exists): the math of {@link Qwen2Model}'s PyTorch ops (transformers' semantics) with activations
 * in Java arrays and every projection on {@link DecodeMatVec}. Through PyTorch, a batch-1 layer is
 * some forty small ops, each costing more than its arithmetic, plus BLAS's slow GEMV; here it is
 * four kernel calls and a few loops. K/V go into and come out of the same paged pool tensors the
 * PyTorch path uses, so the two paths can take turns on one sequence.
 *
 * <p>Per row: embedding row → for each layer [RMSNorm → q/k/v + bias → RoPE → K/V to the pool →
 * attention over the row's context slots (GQA, F32 softmax) → x += o·attn → RMSNorm → gate/up →
 * SwiGLU → x += down·act] → final RMSNorm → lm_head, for the rows that want logits.
 */
final class CpuDecodeForward {

  private static final Logger LOG = Logger.getLogger(CpuDecodeForward.class.getName());
  private static final int COLUMNS = DecodeMatVec.MAX_COLUMNS;

  private final DecodeMatVec kernel;
  private final RotaryEmbedding rope;
  private final List<CpuWeights.Layer> layers;
  private final Matrix embedding;
  private final float[] finalNorm;
  private final Matrix lmHead;
  private final boolean anyWidth; // BF16/int8: every step, whatever its width, runs here
  private final float eps;
  private final int hidden;
  private final int heads;
  private final int kvHeads;
  private final int headDim;
  private final int repeats;
  private final int intermediate;
  private final GroupAttention attention;
  private long projectionNanos; // of the last pass: the matmuls' share of a step, for profiling
  private PagedKvCache pool; // the cache the segments below belong to
  private MemorySegment[] keys;
  private MemorySegment[] values;
  private int poolSlots;

  private CpuDecodeForward(
      DecodeMatVec kernel,
      ModelConfig config,
      RotaryEmbedding rope,
      CpuWeights weights,
      boolean anyWidth) {
    this.kernel = kernel;
    this.rope = rope;
    this.layers = weights.layers();
    this.embedding = weights.embedding();
    this.finalNorm = weights.finalNorm();
    this.lmHead = weights.lmHead();
    this.anyWidth = anyWidth;
    this.eps = (float) config.rmsNormEps();
    this.hidden = config.hiddenSize();
    this.heads = config.numAttentionHeads();
    this.kvHeads = config.numKeyValueHeads();
    this.headDim = config.headDim();
    this.repeats = config.queriesPerKvHead();
    this.intermediate = config.intermediateSize();
    this.attention = new GroupAttention(repeats, headDim, (float) (1.0 / Math.sqrt(headDim)));
  }

  /**
   * The Java path for {@code weights}, or empty when the kernel is absent or cannot read an F32
   * weight in place. BF16/int8 weights have no other path: without the kernel this throws.
   */
  static Optional<CpuDecodeForward> create(
      Qwen2Weights weights, RotaryEmbedding rope, Optional<DecodeMatVec> kernel) {
    if (weights.packed() != null) {
      DecodeMatVec k =
          kernel.orElseThrow(
              () ->
                  new IllegalStateException(
                      weights.setup().weightsName()
                          + " weights run only on the Java kernel: start the JVM with"
                          + " --add-modules jdk.incubator.vector (and not "
                          + "QWENOPS_DECODE_MATVEC=off)"));
      return Optional.of(new CpuDecodeForward(k, weights.config(), rope, weights.packed(), true));
    }
    if (kernel.isEmpty()) {
      return Optional.empty();
    }
    DecodeMatVec k = kernel.get();
    List<CpuWeights.Layer> layers = new ArrayList<>();
    try {
      for (LayerWeights w : weights.layers()) {
        layers.add(
            new CpuWeights.Layer(
                w.inputNorm().toFloatArray(),
                matrix(k, w.qkvWeight(), "q/k/v"),
                w.qkvBias().toFloatArray(),
                matrix(k, w.oWeight(), "o_proj"),
                w.postAttentionNorm().toFloatArray(),
                matrix(k, w.gateUpWeight(), "gate/up"),
                matrix(k, w.downWeight(), "down_proj")));
      }
      CpuWeights views =
          new CpuWeights(
              layers,
              matrix(k, weights.embedding(), "embed_tokens"),
              weights.finalNorm().toFloatArray(),
              matrix(k, weights.lmHead(), "lm_head"),
              null);
      return Optional.of(new CpuDecodeForward(k, weights.config(), rope, views, false));
    } catch (IllegalStateException e) {
      LOG.info("Decode steps use PyTorch: " + e.getMessage());
      return Optional.empty();
    }
  }

  private static Matrix matrix(DecodeMatVec kernel, NDArray weight, String name) {
    return kernel
        .wrap(weight)
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "the decode kernel cannot read "
                        + name
                        + " "
                        + weight.getShape()
                        + " in place"));
  }

  /**
   * Whether this path computes {@code batch} against {@code cache}; call before every forward pass,
   * as it also sets PyTorch's thread count for the path the pass takes.
   */
  boolean serves(ForwardBatch batch, PagedKvCache cache) {
    int rows = batch.numRows();
    boolean javaPath =
        rows >= 1 && (anyWidth || rows <= DecodeMatVec.MAX_F32_STEP_ROWS) && attach(cache);
    if (anyWidth && !javaPath) {
      throw new IllegalStateException(
          "The Java kernel cannot read the KV pool in place, and BF16/int8 weights have no"
              + " other path");
    }
    kernel.beforeForward(javaPath);
    return javaPath;
  }

  /** Reads the pool tensors in place; false when one cannot be (over 2 GiB). */
  private boolean attach(PagedKvCache cache) {
    if (cache == pool) {
      return keys != null;
    }
    pool = cache;
    keys = new MemorySegment[layers.size()];
    values = new MemorySegment[layers.size()];
    for (int l = 0; l < layers.size(); l++) {
      Optional<Matrix> k = kernel.wrap(cache.keys(l));
      Optional<Matrix> v = kernel.wrap(cache.values(l));
      if (k.isEmpty() || v.isEmpty()) {
        LOG.info("Decode steps use PyTorch: the KV pool's tensors are too large to read in place");
        keys = null;
        return false;
      }
      keys[l] = k.get().data();
      values[l] = v.get().data();
    }
    poolSlots = (int) cache.keys(0).getShape().get(1);
    return true;
  }

  /** F32 logits [logitRows, vocab] in a Java array; K/V of every row written to the pool. */
  StepLogits forward(ForwardBatch batch) {
    int n = batch.numRows();
    int[] positions = batch.positions();
    long[][] contexts = new long[n][];
    for (ForwardBatch.Chunk chunk : batch.chunks()) {
      for (int r = chunk.firstRow(); r < chunk.firstRow() + chunk.numTokens(); r++) {
        contexts[r] = chunk.contextSlots();
      }
    }
    projectionNanos = 0;
    int width = Math.max(COLUMNS, n); // the F32 kernel reads COLUMNS columns
    float[] x = new float[width * hidden];
    for (int c = 0; c < n; c++) {
      embedding.copyRow(batch.tokenIds()[c], x, c * hidden);
    }
    int qDim = heads * headDim;
    int kvDim = kvHeads * headDim;
    int qkvRows = qDim + 2 * kvDim;
    for (int l = 0; l < layers.size(); l++) {
      CpuWeights.Layer layer = layers.get(l);
      float[] normed = rmsNorm(x, n, width, layer.inputNorm());
      long t0 = System.nanoTime();
      float[] qkv = kernel.multiply(layer.qkv(), normed, n, layer.qkvBias());
      long inKernel = System.nanoTime() - t0;
      for (int c = 0; c < n; c++) {
        for (int head = 0; head < heads + kvHeads; head++) {
          rope.rotate(qkv, c * qkvRows + head * headDim, positions[c]);
        }
        for (int j = 0; j < kvHeads; j++) {
          long slot = ((long) j * poolSlots + batch.writeSlots()[c]) * headDim * Float.BYTES;
          int k = c * qkvRows + qDim + j * headDim;
          MemorySegment.copy(qkv, k, keys[l], ValueLayout.JAVA_FLOAT, slot, headDim);
          MemorySegment.copy(qkv, k + kvDim, values[l], ValueLayout.JAVA_FLOAT, slot, headDim);
        }
      }
      float[] attended = new float[width * qDim];
      int layerIndex = l;
      kernel.parallel(
          n * kvHeads,
          item -> {
            int c = item / kvHeads;
            int j = item % kvHeads;
            attention.attend(
                keys[layerIndex],
                values[layerIndex],
                (long) j * poolSlots,
                qkv,
                c * qkvRows + j * repeats * headDim,
                contexts[c],
                positions[c] + 1,
                attended,
                c * qDim + j * repeats * headDim);
          });
      t0 = System.nanoTime();
      kernel.multiplyAdd(layer.o(), attended, n, x);
      inKernel += System.nanoTime() - t0;
      normed = rmsNorm(x, n, width, layer.postAttentionNorm());
      t0 = System.nanoTime();
      float[] gateUp = kernel.multiply(layer.gateUp(), normed, n, null);
      inKernel += System.nanoTime() - t0;
      float[] activated = new float[width * intermediate];
      for (int c = 0; c < n; c++) {
        System.arraycopy(gateUp, 2 * c * intermediate, activated, c * intermediate, intermediate);
        DecodeMatVec.swiGlu(
            activated, c * intermediate, gateUp, (2 * c + 1) * intermediate, intermediate);
      }
      t0 = System.nanoTime();
      kernel.multiplyAdd(layer.down(), activated, n, x);
      projectionNanos += inKernel + System.nanoTime() - t0;
    }
    int[] logitRows = batch.logitRows();
    int m = logitRows.length;
    if (m == 0) {
      return StepLogits.of(new float[0], 0, lmHead.rows());
    }
    int lastWidth = Math.max(COLUMNS, m);
    float[] last = new float[lastWidth * hidden];
    for (int i = 0; i < m; i++) {
      System.arraycopy(x, logitRows[i] * hidden, last, i * hidden, hidden);
    }
    float[] normed = rmsNorm(last, m, lastWidth, finalNorm);
    long t0 = System.nanoTime();
    float[] logits = kernel.multiply(lmHead, normed, m, null);
    projectionNanos += System.nanoTime() - t0;
    return StepLogits.of(logits, m, lmHead.rows());
  }

  /** Nanoseconds the last pass spent in its projections (every layer's four and lm_head). */
  long projectionNanos() {
    return projectionNanos;
  }

  /**
   * transformers' Qwen2RMSNorm of the first {@code cols} columns: x * rsqrt(mean(x²) + eps), times
   * the weight, into a new array of {@code width} columns (the kernel's input shape).
   */
  private float[] rmsNorm(float[] x, int cols, int width, float[] weight) {
    float[] out = new float[width * hidden];
    for (int c = 0; c < cols; c++) {
      int base = c * hidden;
      double squares = 0;
      for (int k = 0; k < hidden; k++) {
        squares += (double) x[base + k] * x[base + k];
      }
      float inverse = (float) (1.0 / Math.sqrt((float) (squares / hidden) + eps));
      for (int k = 0; k < hidden; k++) {
        out[base + k] = x[base + k] * inverse * weight[k];
      }
    }
    return out;
  }
}
