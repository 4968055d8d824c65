package io.qwenops.inference.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.qwenops.inference.model.ComputeSetup;
import io.qwenops.inference.model.ForwardBatch;
import io.qwenops.inference.model.ModelConfig;
import io.qwenops.inference.model.PagedKvCache;
import io.qwenops.inference.model.Qwen2Model;
import io.qwenops.inference.model.Qwen2Weights;
import io.qwenops.inference.model.WeightLoader;
import java.nio.file.Path;
import java.util.List;

/**
 * Reference prompt scores by teacher forcing: the model decodes the prompt one token at a time, and
 * prompt token i is scored by the log-softmax (in double) of the logits at position i-1. No engine,
 * scheduler, chunking or prefix cache is involved.
 */
public final class TeacherForcing implements AutoCloseable {

  private static final int BLOCK = 16;

  private final Qwen2Weights weights;
  private final PagedKvCache cache;
  private final NDManager manager;
  private final Qwen2Model model;

  /**
   * With the weight precision the engine's defaults give the checkpoint on CPU (a BF16 checkpoint
   * stays BF16), so only the engine's bookkeeping, not a precision, can tell the two apart.
   */
  public TeacherForcing(Path checkpoint, int maxLength) throws Exception {
    this(checkpoint, maxLength, EngineOptions.defaults().dtype());
  }

  /** With the engine's {@code --dtype}. */
  public TeacherForcing(Path checkpoint, int maxLength, String dtype) throws Exception {
    ModelConfig config = ModelConfig.load(checkpoint);
    ComputeSetup setup =
        ComputeSetup.resolve(
            "cpu", dtype, EngineOptions.defaults().quantization(), config.torchDtype());
    weights = WeightLoader.load(checkpoint, config, setup);
    cache = new PagedKvCache(config, setup, (maxLength + BLOCK - 1) / BLOCK, BLOCK);
    manager = NDManager.newBaseManager(setup.device(), "PyTorch");
    model = new Qwen2Model(weights, maxLength);
  }

  /** Log-softmax rows: row p is the distribution of the token after position p. */
  public double[][] logprobs(int[] tokens) {
    double[][] out = new double[tokens.length][];
    long[] context = new long[tokens.length];
    for (int p = 0; p < tokens.length; p++) {
      context[p] = p; // blocks 0, 1, ... in order: slot = position
      ForwardBatch one =
          new ForwardBatch(
              new int[] {tokens[p]},
              new int[] {p},
              new long[] {p},
              List.of(new ForwardBatch.Chunk(0, 1, java.util.Arrays.copyOf(context, p + 1))),
              new int[] {0});
      try (NDManager step = manager.newSubManager()) {
        NDArray logits = model.forward(one, cache, step);
        out[p] = LogitsProcessors.logSoftmax(logits.toFloatArray());
      }
    }
    return out;
  }

  @Override
  public void close() {
    manager.close();
    cache.close();
    weights.close();
  }
}
