package io.qwenops.inference.bench;

import ai.djl.ndarray.NDManager;
import io.qwenops.inference.model.ComputeSetup;
import io.qwenops.inference.model.ForwardBatch;
import io.qwenops.inference.model.ModelConfig;
import io.qwenops.inference.model.PagedKvCache;
import io.qwenops.inference.model.Qwen2Model;
import io.qwenops.inference.model.Qwen2Weights;
import io.qwenops.inference.model.WeightLoader;
import java.nio.file.Path;

/** Repeats one decode step (for a profiler to sample): StepLoop DIR BATCH STEPS. */
public final class StepLoop {
  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int batch = Integer.parseInt(args[1]);
    int steps = Integer.parseInt(args[2]);
    ModelConfig config = ModelConfig.load(dir);
    ComputeSetup setup = ComputeSetup.resolve("cpu", "float32");
    try (Qwen2Weights w = WeightLoader.load(dir, config, setup);
        PagedKvCache cache = new PagedKvCache(config, setup, 64 * 16 + 16, 16)) {
      Qwen2Model model = new Qwen2Model(w, 4096);
      ForwardBatch fb = StepProfile.decodeBatch(batch, 192);
      long t0 = System.nanoTime();
      for (int i = 0; i < steps; i++) {
        try (NDManager step = NDManager.newBaseManager(setup.device(), "PyTorch")) {
          model.forward(fb, cache, step).argMax(1).toLongArray();
        }
      }
      System.out.printf(
          "batch %d: %.1f ms per step%n", batch, (System.nanoTime() - t0) / 1e6 / steps);
    }
  }
}
