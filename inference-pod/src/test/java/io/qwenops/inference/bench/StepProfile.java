package io.qwenops.inference.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import io.qwenops.inference.model.ComputeSetup;
import io.qwenops.inference.model.ForwardBatch;
import io.qwenops.inference.model.LayerWeights;
import io.qwenops.inference.model.ModelConfig;
import io.qwenops.inference.model.PagedKvCache;
import io.qwenops.inference.model.Qwen2Model;
import io.qwenops.inference.model.Qwen2Weights;
import io.qwenops.inference.model.WeightLoader;
import io.qwenops.inference.model.matvec.DecodeMatVec;
import io.qwenops.inference.model.matvec.Matrix;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Times one decode step (context 192) at several batch sizes, with PyTorch's matmul for every
 * projection and with the CPU decode kernel, against the bare BLAS projections it contains, on a
 * checkpoint directory: how much of a step is GEMM and how much is everything else.
 */
public final class StepProfile {
  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int context = 192;
    ModelConfig config = ModelConfig.load(dir);
    ComputeSetup setup = ComputeSetup.resolve("cpu", "float32");
    try (Qwen2Weights w = WeightLoader.load(dir, config, setup);
        PagedKvCache cache = new PagedKvCache(config, setup, 64 * 16 + 16, 16)) {
      int torchThreads = JniUtils.getNumThreads();
      Qwen2Model blas = new Qwen2Model(w, 4096, Optional.empty());
      Qwen2Model kernel = new Qwen2Model(w, 4096);
      for (int batch : new int[] {1, 2, 4, 8, 16, 64}) {
        ForwardBatch fb = decodeBatch(batch, context);
        JniUtils.setNumThreads(torchThreads); // the kernel model may have left PyTorch on one
        long best = bestStep(blas, fb, cache, setup);
        // bare projections of all layers + lm_head at M = batch
        long bare = Long.MAX_VALUE;
        for (int rep = 0; rep < 5; rep++) {
          try (NDManager step = NDManager.newBaseManager(setup.device(), "PyTorch")) {
            NDArray x = step.randomUniform(0, 1, new Shape(config.hiddenSize(), batch));
            NDArray xi = step.randomUniform(0, 1, new Shape(config.intermediateSize(), batch));
            long t0 = System.nanoTime();
            for (LayerWeights l : w.layers()) {
              l.qkvWeight().matMul(x).close();
              l.oWeight().matMul(x).close();
              l.gateUpWeight().matMul(x).close();
              l.downWeight().matMul(xi).close();
            }
            w.lmHead().matMul(x).argMax(0).toLongArray();
            bare = Math.min(bare, System.nanoTime() - t0);
          }
        }
        long bestKernel = kernel.usesDecodeKernel() ? bestStep(kernel, fb, cache, setup) : best;
        long bareKernel = 0;
        if (batch <= DecodeMatVec.MAX_COLUMNS) {
          JniUtils.setNumThreads(1); // as in a kernel step
          bareKernel = bareKernel(w, config, batch);
        }
        System.out.printf(
            "batch %2d ctx %d: step %.1f ms (%.1f ms with the decode kernel), bare projections"
                + " %.1f ms BLAS (%.0f%% of its step) / %.1f ms kernel (%.0f%% of its step)%n",
            batch,
            context,
            best / 1e6,
            bestKernel / 1e6,
            bare / 1e6,
            100.0 * bare / best,
            bareKernel / 1e6,
            100.0 * bareKernel / bestKernel);
      }
    }
  }

  /** The same projections on the decode kernel: its share of a kernel step. */
  private static long bareKernel(Qwen2Weights w, ModelConfig config, int batch) {
    DecodeMatVec kernel = DecodeMatVec.forSetup(w.setup()).orElseThrow();
    List<Matrix> hidden = new ArrayList<>();
    List<Matrix> inter = new ArrayList<>();
    for (LayerWeights l : w.layers()) {
      hidden.add(kernel.wrap(l.qkvWeight()).orElseThrow());
      hidden.add(kernel.wrap(l.oWeight()).orElseThrow());
      hidden.add(kernel.wrap(l.gateUpWeight()).orElseThrow());
      inter.add(kernel.wrap(l.downWeight()).orElseThrow());
    }
    hidden.add(kernel.wrap(w.lmHead()).orElseThrow());
    long bare = Long.MAX_VALUE;
    for (int rep = 0; rep < 7; rep++) {
      try (NDManager step = NDManager.newBaseManager(w.setup().device(), "PyTorch")) {
        float[] x =
            step.randomUniform(0, 1, new Shape(DecodeMatVec.MAX_COLUMNS, config.hiddenSize()))
                .toFloatArray();
        float[] xi =
            step.randomUniform(0, 1, new Shape(DecodeMatVec.MAX_COLUMNS, config.intermediateSize()))
                .toFloatArray();
        long t0 = System.nanoTime();
        hidden.forEach(m -> kernel.multiply(m, x, batch, null));
        inter.forEach(m -> kernel.multiply(m, xi, batch, null));
        bare = Math.min(bare, System.nanoTime() - t0);
      }
    }
    return bare;
  }

  private static long bestStep(
      Qwen2Model model, ForwardBatch fb, PagedKvCache cache, ComputeSetup setup) {
    long best = Long.MAX_VALUE;
    // 15: the Java path needs its JIT warm-up
    for (int rep = 0; rep < 15; rep++) {
      try (NDManager step = NDManager.newBaseManager(setup.device(), "PyTorch")) {
        long t0 = System.nanoTime();
        model.forward(fb, cache, step).argMax(1).toLongArray();
        best = Math.min(best, System.nanoTime() - t0);
      }
    }
    return best;
  }

  public static ForwardBatch decodeBatch(int batch, int context) {
    int[] ids = new int[batch];
    int[] pos = new int[batch];
    long[] write = new long[batch];
    int[] logit = new int[batch];
    List<ForwardBatch.Chunk> chunks = new ArrayList<>();
    for (int b = 0; b < batch; b++) {
      ids[b] = 100 + b;
      pos[b] = context - 1;
      long base = (long) b * 16 * 16;
      write[b] = base + context - 1;
      long[] slots = new long[context];
      for (int i = 0; i < context; i++) {
        slots[i] = base + i;
      }
      chunks.add(new ForwardBatch.Chunk(b, 1, slots));
      logit[b] = b;
    }
    return new ForwardBatch(ids, pos, write, chunks, logit);
  }
}
