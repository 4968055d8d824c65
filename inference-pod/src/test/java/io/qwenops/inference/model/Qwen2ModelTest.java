package io.qwenops.inference.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.qwenops.inference.model.matvec.DecodeMatVec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Our batched, paged forward pass against the naive float64 reference, logit by logit. */
class Qwen2ModelTest {

  private static final int BLOCK = 4;

  @Test
  void tinyUntiedMatchesReferenceThroughPrefillChunksAndDecodes() throws Exception {
    checkAgainstReference(TestCheckpoints.tiny());
  }

  @Test
  void halfBillionWidthsTiedWithSevenQueriesPerKvHeadMatchReference() throws Exception {
    // Real 0.5B widths (hd 64, 14 heads over 2 KV heads, tied lm_head), two layers to stay fast.
    checkAgainstReference(
        TestCheckpoints.get(
            CheckpointWriter.Spec.of(ModelShape.QWEN25_0_5B.withLayers(2)).withDtype("f32")));
  }

  /**
   * Every Qwen2.5 Instruct width, as published (BF16; 1.5B/3B tied, 7B untied with its 152,064-row
   * lm_head and 4 KV heads), one layer deep so the checkpoints stay at 0.4–2.6 GB.
   */
  @ParameterizedTest
  @ValueSource(strings = {"1.5b", "3b", "7b"})
  void everyQwen25WidthLoadsFromBf16AndMatchesReference(String size) throws Exception {
    ModelShape shape = ModelShape.preset(size);
    Path dir = TestCheckpoints.get(CheckpointWriter.Spec.of(shape.withLayers(1)));
    ModelConfig config = ModelConfig.load(dir);
    assertThat(config.headDim()).isEqualTo(128);
    assertThat(config.tieWordEmbeddings()).isEqualTo(shape.tieWordEmbeddings());
    checkAgainstReference(dir);
  }

  /**
   * An F32 prefill chunk of 11 rows, wider than the narrow kernels ({@link
   * DecodeMatVec#MAX_COLUMNS}), takes the Java path (its projections on WideKernel) and every row
   * that wants logits matches the float64 reference within the F32 bound of the tests above.
   */
  @Test
  void anElevenRowF32ChunkRunsInJavaAndMatchesReference() throws Exception {
    Path dir =
        TestCheckpoints.get(
            CheckpointWriter.Spec.of(ModelShape.QWEN25_0_5B.withLayers(2)).withDtype("f32"));
    ModelConfig config = ModelConfig.load(dir);
    int[] tokens = {9707, 11, 1879, 0, 108386, 151644, 872, 198, 3838, 374, 220};
    assertThat(tokens.length)
        .isGreaterThan(DecodeMatVec.MAX_COLUMNS)
        .isLessThanOrEqualTo(DecodeMatVec.MAX_F32_STEP_ROWS);
    double[][] expected = new Float64Reference(dir).logits(tokens, 5);
    ComputeSetup setup = ComputeSetup.resolve("cpu", "float32");
    try (Qwen2Weights weights = WeightLoader.load(dir, config, setup);
        PagedKvCache cache = new PagedKvCache(config, setup, 16, BLOCK);
        NDManager manager = NDManager.newBaseManager(setup.device(), "PyTorch");
        NDManager step = manager.newSubManager()) {
      Qwen2Model model = new Qwen2Model(weights, 64);
      assertThat(model.lastProjectionNanos()).as("before any Java-path step").isZero();
      int n = tokens.length;
      int[] pos = new int[n];
      long[] slots = new long[n];
      long[] blockOf = {7, 2, 11, 5};
      for (int p = 0; p < n; p++) {
        pos[p] = p;
        slots[p] = blockOf[p / BLOCK] * BLOCK + p % BLOCK;
      }
      int[] logitRows = {5, 6, 7, 8, 9, 10};
      ForwardBatch batch =
          new ForwardBatch(
              tokens, pos, slots, List.of(new ForwardBatch.Chunk(0, n, slots)), logitRows);
      float[] logits = model.forward(batch, cache, step).toFloatArray();
      assertThat(model.lastProjectionNanos()).as("projections timed on the Java path").isPositive();
      int vocab = config.vocabSize();
      assertThat(logits).hasSize(logitRows.length * vocab);
      for (int i = 0; i < logitRows.length; i++) {
        int p = logitRows[i];
        double[] row = new double[vocab];
        double maxDiff = 0;
        for (int v = 0; v < vocab; v++) {
          row[v] = logits[i * vocab + v];
          maxDiff = Math.max(maxDiff, Math.abs(row[v] - expected[p][v]));
        }
        assertThat(maxDiff).as("max |logit diff| at position %d", p).isLessThan(1e-3);
        assertThat(Float64Reference.argmax(row)).isEqualTo(Float64Reference.argmax(expected[p]));
      }
    }
  }

  private static void checkAgainstReference(Path dir) throws Exception {
    ModelConfig config = ModelConfig.load(dir);
    int[] tokens = {9707, 11, 1879, 0, 108386, 151644, 872, 198, 3838, 374, 220};
    double[][] expected = new Float64Reference(dir).logits(tokens, 5);
    ComputeSetup setup = ComputeSetup.resolve("cpu", "float32");
    try (Qwen2Weights weights = WeightLoader.load(dir, config, setup);
        PagedKvCache cache = new PagedKvCache(config, setup, 16, BLOCK);
        NDManager manager = NDManager.newBaseManager(setup.device(), "PyTorch")) {
      Qwen2Model model = new Qwen2Model(weights, 64);
      // Chunks of 4 and 2 rows and single-row decodes: all on the Java path (CpuDecodeForward).
      assertThat(model.usesDecodeKernel()).isTrue();
      // Blocks deliberately out of order, as a block table would have them.
      long[] blockOf = {7, 2, 11, 5};
      // Prefill 6 tokens in two chunks (4 + 2), then decode the remaining ones one by one.
      List<double[]> got = new ArrayList<>();
      got.add(run(model, cache, manager, tokens, 0, 4, blockOf, false));
      got.add(run(model, cache, manager, tokens, 4, 6, blockOf, true));
      for (int p = 6; p < tokens.length; p++) {
        got.add(run(model, cache, manager, tokens, p, p + 1, blockOf, true));
      }
      int checked = 0;
      for (int p = 5; p < tokens.length; p++) {
        double[] row = got.get(p - 4);
        double maxDiff = 0;
        for (int v = 0; v < row.length; v++) {
          maxDiff = Math.max(maxDiff, Math.abs(row[v] - expected[p][v]));
        }
        assertThat(maxDiff).as("max |logit diff| at position %d", p).isLessThan(1e-3);
        assertThat(Float64Reference.argmax(row)).isEqualTo(Float64Reference.argmax(expected[p]));
        checked++;
      }
      assertThat(checked).isEqualTo(6);
    }
  }

  /** Computes positions [from, to) and returns the logits of position to-1 (or null). */
  private static double[] run(
      Qwen2Model model,
      PagedKvCache cache,
      NDManager manager,
      int[] tokens,
      int from,
      int to,
      long[] blockOf,
      boolean wantLogits) {
    int n = to - from;
    int[] ids = new int[n];
    int[] pos = new int[n];
    long[] slots = new long[n];
    long[] context = new long[to];
    for (int p = 0; p < to; p++) {
      context[p] = blockOf[p / BLOCK] * BLOCK + p % BLOCK;
    }
    for (int i = 0; i < n; i++) {
      ids[i] = tokens[from + i];
      pos[i] = from + i;
      slots[i] = context[from + i];
    }
    ForwardBatch batch =
        new ForwardBatch(
            ids,
            pos,
            slots,
            List.of(new ForwardBatch.Chunk(0, n, context)),
            wantLogits ? new int[] {n - 1} : new int[] {n - 1});
    try (NDManager step = manager.newSubManager()) {
      NDArray logits = model.forward(batch, cache, step);
      float[] f = logits.toFloatArray();
      double[] out = new double[f.length];
      for (int i = 0; i < f.length; i++) {
        out[i] = f[i];
      }
      return wantLogits ? out : null;
    }
  }
}
