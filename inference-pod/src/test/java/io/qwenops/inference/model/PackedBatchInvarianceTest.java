package io.qwenops.inference.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * With BF16 or int8 weights a sequence gets the same logits, to the bit, and so the same greedy
 * tokens, whether it runs alone or in a batch of 16 (prefill and decode): every kernel sums each
 * output in one fixed order, whatever the batch width.
 */
class PackedBatchInvarianceTest {

  private static final Path DIR =
      TestCheckpoints.get(CheckpointWriter.Spec.of(ModelShape.QWEN25_0_5B.withLayers(2)));
  private static final int BLOCK = 16;
  private static final int PROMPT = 6;
  private static final int STEPS = 5;

  @ParameterizedTest
  @ValueSource(strings = {"none", "int8"})
  void aSequenceDecodesToTheSameBitsAloneAndInABatchOfSixteen(String quantization)
      throws Exception {
    ComputeSetup setup = ComputeSetup.resolve("cpu", "bfloat16", quantization, "bfloat16");
    ModelConfig config = ModelConfig.load(DIR);
    try (Qwen2Weights weights = WeightLoader.load(DIR, config, setup);
        NDManager manager = NDManager.newBaseManager(setup.device(), "PyTorch")) {
      Qwen2Model model = new Qwen2Model(weights, 64);
      List<float[]> alone = greedy(model, config, setup, manager, 1);
      List<float[]> batched = greedy(model, config, setup, manager, 16);
      assertThat(batched).hasSameSizeAs(alone);
      for (int s = 0; s < alone.size(); s++) {
        assertThat(differing(batched.get(s), alone.get(s)))
            .as("logits of step %d that differ alone and in a batch", s)
            .isZero();
      }
    }
  }

  /**
   * Prefills {@code batch} sequences (sequence 0's prompt fixed, the others random) in one step,
   * then decodes them greedily together; returns sequence 0's logits of every step.
   */
  private static List<float[]> greedy(
      Qwen2Model model, ModelConfig config, ComputeSetup setup, NDManager manager, int batch) {
    SplittableRandom random = new SplittableRandom(7);
    int[][] tokens = new int[batch][PROMPT + STEPS];
    for (int s = 0; s < batch; s++) {
      for (int p = 0; p < PROMPT; p++) {
        tokens[s][p] = s == 0 ? 9707 + 11 * p : random.nextInt(150_000);
      }
    }
    List<float[]> logitsOfFirst = new ArrayList<>();
    try (PagedKvCache cache = new PagedKvCache(config, setup, 2 * batch, BLOCK)) {
      for (int at = 0; at + 1 < PROMPT + STEPS; ) {
        int n = at == 0 ? PROMPT : 1;
        int[] ids = new int[batch * n];
        int[] positions = new int[batch * n];
        long[] writes = new long[batch * n];
        int[] logitRows = new int[batch];
        List<ForwardBatch.Chunk> chunks = new ArrayList<>();
        for (int s = 0; s < batch; s++) {
          long[] context = new long[at + n];
          int sequence = s;
          Arrays.setAll(context, p -> (long) sequence * 2 * BLOCK + p);
          for (int i = 0; i < n; i++) {
            ids[s * n + i] = tokens[s][at + i];
            positions[s * n + i] = at + i;
            writes[s * n + i] = context[at + i];
          }
          chunks.add(new ForwardBatch.Chunk(s * n, n, context));
          logitRows[s] = s * n + n - 1;
        }
        try (NDManager step = manager.newSubManager()) {
          float[] logits =
              model
                  .forward(new ForwardBatch(ids, positions, writes, chunks, logitRows), cache, step)
                  .toFloatArray();
          int vocab = config.vocabSize();
          logitsOfFirst.add(Arrays.copyOf(logits, vocab));
          at += n;
          for (int s = 0; s < batch; s++) {
            tokens[s][at] = argmax(logits, s * vocab, vocab);
          }
        }
      }
    }
    return logitsOfFirst;
  }

  private static int differing(float[] a, float[] b) {
    int n = 0;
    for (int i = 0; i < a.length; i++) {
      n += Float.floatToRawIntBits(a[i]) == Float.floatToRawIntBits(b[i]) ? 0 : 1;
    }
    return n;
  }

  private static int argmax(float[] v, int from, int n) {
    int best = 0;
    for (int i = 1; i < n; i++) {
      if (v[from + i] > v[from + best]) {
        best = i;
      }
    }
    return best;
  }
}
