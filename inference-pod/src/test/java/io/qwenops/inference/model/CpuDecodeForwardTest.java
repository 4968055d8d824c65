package io.qwenops.inference.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.qwenops.inference.model.matvec.DecodeMatVec;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The Java path for narrow steps against the PyTorch path, on one mixed batch: the logits of every
 * row and the K/V each path writes to its pool must agree.
 */
class CpuDecodeForwardTest {

  private static final int BLOCK = 4;

  @Test
  void mixedNarrowBatchMatchesThePyTorchPathInLogitsAndCache() throws Exception {
    // 0.5B widths (7 query heads per KV head, tied lm_head), two layers.
    Path dir =
        TestCheckpoints.get(
            CheckpointWriter.Spec.of(ModelShape.QWEN25_0_5B.withLayers(2)).withDtype("f32"));
    ModelConfig config = ModelConfig.load(dir);
    ComputeSetup setup = ComputeSetup.resolve("cpu", "float32");
    try (Qwen2Weights weights = WeightLoader.load(dir, config, setup);
        PagedKvCache javaPool = new PagedKvCache(config, setup, 16, BLOCK);
        PagedKvCache torchPool = new PagedKvCache(config, setup, 16, BLOCK);
        NDManager manager = NDManager.newBaseManager(setup.device(), "PyTorch")) {
      Qwen2Model java = new Qwen2Model(weights, 64);
      Qwen2Model torch = new Qwen2Model(weights, 64, Optional.empty());
      assertThat(java.usesDecodeKernel()).isTrue();
      assertThat(torch.usesDecodeKernel()).isFalse();

      // Two sequences prefilled the same way into both pools (6 rows: the PyTorch path for both).
      long[] a = slots(new long[] {5, 2}, 7); // sequence A: 5 tokens known, then decodes
      long[] b = slots(new long[] {9, 3, 12}, 12); // B: 5 known, then chunks of 2 and 5
      ForwardBatch prefill =
          new ForwardBatch(
              new int[] {9707, 11, 1879, 0, 108386, 151644, 872, 198, 3838, 374},
              new int[] {0, 1, 2, 3, 4, 0, 1, 2, 3, 4},
              new long[] {a[0], a[1], a[2], a[3], a[4], b[0], b[1], b[2], b[3], b[4]},
              List.of(
                  new ForwardBatch.Chunk(0, 5, copy(a, 5)),
                  new ForwardBatch.Chunk(5, 5, copy(b, 5))),
              new int[] {4, 9});
      for (PagedKvCache pool : List.of(javaPool, torchPool)) {
        try (NDManager step = manager.newSubManager()) {
          torch.forward(prefill, pool, step);
        }
      }

      // Narrow steps: A decodes one token while B prefills a chunk of two (3 rows, one kernel
      // pass), then A decodes again while B prefills five more (6 rows, two passes).
      ForwardBatch three =
          new ForwardBatch(
              new int[] {220, 100, 2000},
              new int[] {5, 5, 6},
              new long[] {a[5], b[5], b[6]},
              List.of(
                  new ForwardBatch.Chunk(0, 1, copy(a, 6)),
                  new ForwardBatch.Chunk(1, 2, copy(b, 7))),
              new int[] {0, 1, 2});
      ForwardBatch six =
          new ForwardBatch(
              new int[] {42, 7, 8, 9, 10, 11},
              new int[] {6, 7, 8, 9, 10, 11},
              new long[] {a[6], b[7], b[8], b[9], b[10], b[11]},
              List.of(new ForwardBatch.Chunk(0, 1, a), new ForwardBatch.Chunk(1, 5, b)),
              new int[] {0, 3, 5});
      for (ForwardBatch narrow : List.of(three, six)) {
        assertThat(narrow.numRows()).isLessThanOrEqualTo(DecodeMatVec.MAX_COLUMNS);
        try (NDManager step = manager.newSubManager()) {
          float[] got = java.forward(narrow, javaPool, step).toFloatArray();
          float[] want = torch.forward(narrow, torchPool, step).toFloatArray();
          assertThat(got).hasSize(narrow.logitRows().length * config.vocabSize());
          assertThat(maxDiff(got, want)).as("max |logit difference|").isLessThan(1e-4);
          for (int layer = 0; layer < config.numHiddenLayers(); layer++) {
            assertThat(maxDiff(written(javaPool.keys(layer)), written(torchPool.keys(layer))))
                .as("keys of layer %d", layer)
                .isLessThan(1e-5);
            assertThat(maxDiff(written(javaPool.values(layer)), written(torchPool.values(layer))))
                .as("values of layer %d", layer)
                .isLessThan(1e-5);
          }
        }
      }
      assertThat(maxAbs(written(javaPool.keys(1)))).isGreaterThan(0.01); // something was written
    }
  }

  /**
   * Slots for {@code n} positions spread over the given blocks, out of order as a table has them.
   */
  private static long[] slots(long[] blocks, int n) {
    long[] slots = new long[n];
    for (int p = 0; p < n; p++) {
      slots[p] = blocks[p / BLOCK] * BLOCK + p % BLOCK;
    }
    return slots;
  }

  private static long[] copy(long[] slots, int n) {
    return java.util.Arrays.copyOf(slots, n);
  }

  private static float[] written(NDArray pool) {
    return pool.toFloatArray();
  }

  private static double maxDiff(float[] x, float[] y) {
    double max = 0;
    for (int i = 0; i < x.length; i++) {
      max = Math.max(max, Math.abs(x[i] - y[i]));
    }
    return max;
  }

  private static double maxAbs(float[] x) {
    double max = 0;
    for (float v : x) {
      max = Math.max(max, Math.abs(v));
    }
    return max;
  }
}
