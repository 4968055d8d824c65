package io.qwenops.inference.model;

import io.qwenops.inference.engine.AroundMatmulsProbe;
import io.qwenops.inference.model.matvec.DecodeMatVec;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A decode step's attention on 0.5B shapes (14 query heads, 2 KV heads, headDim 64, 24 layers), the
 * per-slot loop it replaced ({@link PerSlotAttention}) against {@link GroupAttention}, in one JVM,
 * alternating, on the kernel's threads as in a step: batch 16 and 64 at context 192, 256, 1024 and
 * 4096 (each row its own context in shuffled 16-slot blocks, as a paged pool after reuse). Then,
 * unless {@code --no-steps}, {@link AroundMatmulsProbe} at batch 16 and 64: the share of an engine
 * step outside the projections. Usage: {@code AttentionProbe DIR [rounds] [--no-steps]}.
 */
public final class AttentionProbe {

  private static final int HEADS = 14;
  private static final int KV_HEADS = 2;
  private static final int HEAD_DIM = 64;
  private static final int LAYERS = 24;
  private static final int BLOCK = 16;

  public static void main(String[] args) throws Exception {
    String dir = args[0];
    int rounds = args.length > 1 && !args[1].startsWith("--") ? Integer.parseInt(args[1]) : 5;
    boolean steps = !java.util.Arrays.asList(args).contains("--no-steps");
    ai.djl.engine.Engine.getEngine("PyTorch"); // the kernel reads PyTorch's thread count
    DecodeMatVec kernel =
        DecodeMatVec.forSetup(ComputeSetup.resolve("cpu", "bfloat16", "none", "bfloat16"))
            .orElseThrow();
    kernel.beforeForward(true);
    int repeats = HEADS / KV_HEADS;
    float scale = (float) (1.0 / Math.sqrt(HEAD_DIM));
    PerSlotAttention old = new PerSlotAttention(repeats, HEAD_DIM, scale);
    GroupAttention now = new GroupAttention(repeats, HEAD_DIM, scale);
    for (int batch : new int[] {16, 64}) {
      for (int context : new int[] {192, 256, 1024, 4096}) {
        probe(kernel, old, now, batch, context, rounds);
      }
    }
    if (steps) {
      AroundMatmulsProbe.main(new String[] {dir, "3", "16,64"});
    }
  }

  private static void probe(
      DecodeMatVec kernel,
      PerSlotAttention old,
      GroupAttention now,
      int batch,
      int context,
      int rounds) {
    SplittableRandom random = new SplittableRandom(batch * 31L + context);
    int poolSlots = batch * context;
    long floats = (long) KV_HEADS * poolSlots * HEAD_DIM;
    try (Arena arena = Arena.ofShared()) {
      MemorySegment keys = arena.allocate(floats * Float.BYTES, 64);
      MemorySegment values = arena.allocate(floats * Float.BYTES, 64);
      for (long i = 0; i < floats; i++) {
        keys.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) random.nextGaussian());
        values.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) random.nextGaussian());
      }
      long[][] contexts = new long[batch][];
      int[] blocks = new int[poolSlots / BLOCK];
      for (int i = 0; i < blocks.length; i++) {
        blocks[i] = i;
      }
      for (int i = blocks.length - 1; i > 0; i--) {
        int k = random.nextInt(i + 1);
        int t = blocks[i];
        blocks[i] = blocks[k];
        blocks[k] = t;
      }
      for (int c = 0; c < batch; c++) {
        contexts[c] = new long[context];
        for (int t = 0; t < context; t++) {
          contexts[c][t] = (long) blocks[c * (context / BLOCK) + t / BLOCK] * BLOCK + t % BLOCK;
        }
      }
      int qDim = HEADS * HEAD_DIM;
      float[] q = new float[batch * qDim];
      for (int i = 0; i < q.length; i++) {
        q[i] = (float) random.nextGaussian();
      }
      float[] outOld = new float[batch * qDim];
      float[] outNew = new float[batch * qDim];
      double bestOld = Double.MAX_VALUE;
      double bestNew = Double.MAX_VALUE;
      // Alternating, best of the rounds (each one layer × LAYERS): the box is shared.
      for (int round = 0; round < rounds + 2; round++) {
        bestOld =
            Math.min(
                bestOld,
                time(kernel, batch, contexts, context, q, outOld, old, null, keys, values));
        bestNew =
            Math.min(
                bestNew,
                time(kernel, batch, contexts, context, q, outNew, null, now, keys, values));
      }
      boolean same = java.util.Arrays.equals(outOld, outNew);
      System.out.printf(
          Locale.ROOT,
          "attention batch %2d context %4d: per-slot %.2f ms, group %.2f ms per step (%d layers)"
              + " = %.2fx%s%n",
          batch,
          context,
          bestOld,
          bestNew,
          LAYERS,
          bestOld / bestNew,
          same ? ", same bits" : ", BITS DIFFER");
    }
  }

  /** One step's attention (every layer reads the same pool here), in ms. */
  private static double time(
      DecodeMatVec kernel,
      int batch,
      long[][] contexts,
      int context,
      float[] q,
      float[] out,
      PerSlotAttention old,
      GroupAttention now,
      MemorySegment keys,
      MemorySegment values) {
    int repeats = HEADS / KV_HEADS;
    int qDim = HEADS * HEAD_DIM;
    long poolSlots = (long) batch * context;
    long t0 = System.nanoTime();
    for (int l = 0; l < LAYERS; l++) {
      java.util.Arrays.fill(out, 0);
      kernel.parallel(
          batch * KV_HEADS,
          item -> {
            int c = item / KV_HEADS;
            int j = item % KV_HEADS;
            int at = c * qDim + j * repeats * HEAD_DIM;
            if (old != null) {
              old.attend(keys, values, j * poolSlots, q, at, contexts[c], context, out, at);
            } else {
              now.attend(keys, values, j * poolSlots, q, at, contexts[c], context, out, at);
            }
          });
    }
    return (System.nanoTime() - t0) / 1e6;
  }
}
