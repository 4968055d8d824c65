package io.qwenops.inference.model;

import com.github.tjake.jlama.model.AbstractModel;
import com.github.tjake.jlama.model.ModelSupport;
import com.github.tjake.jlama.safetensors.DType;
import com.github.tjake.jlama.tensor.AbstractTensor;
import com.github.tjake.jlama.tensor.KvBufferCache;
import java.nio.file.Path;
import java.util.UUID;

/**
 * Jlama (an independent pure-Java Qwen2 implementation) on the same checkpoint: the reference in
 * tests and the peer in the benchmark. Not thread-safe: one instance per thread. Fed raw token ids
 * (its generate() would prepend a BOS that Qwen does not use).
 */
public final class JlamaRunner implements AutoCloseable {

  private final AbstractModel model;
  private final KvBufferCache caches;

  public JlamaRunner(Path modelDir) {
    this.model = ModelSupport.loadModel(modelDir.toFile(), DType.F32, DType.F32);
    this.caches = new KvBufferCache(model);
  }

  /** Logits after the prompt, then after each of {@code steps} greedy tokens; [steps+1][vocab]. */
  public float[][] greedyLogits(int[] prompt, int steps) {
    float[][] out = new float[steps + 1][];
    try (KvBufferCache.KvBuffer kv = caches.getKvBuffer(UUID.randomUUID())) {
      AbstractTensor last = model.batchForward(prompt, 0, kv);
      // batchForward returns one row per prompt token; the logits come from the last.
      out[0] = model.getLogits(last.slice(prompt.length - 1)).clone();
      last.close();
      for (int i = 1; i <= steps; i++) {
        int next = argmax(out[i - 1]);
        AbstractTensor t =
            model.forward(next, prompt.length + i - 1, kv, java.util.Optional.empty());
        out[i] = model.getLogits(t).clone();
        t.close();
      }
    }
    return out;
  }

  /** Greedy generation of up to {@code n} tokens, calling {@code onToken} after each. */
  public void stream(
      int[] prompt, int n, java.util.concurrent.atomic.AtomicBoolean stop, Runnable onToken) {
    try (KvBufferCache.KvBuffer kv = caches.getKvBuffer(UUID.randomUUID())) {
      AbstractTensor out = model.batchForward(prompt, 0, kv);
      int next = argmax(model.getLogits(out.slice(prompt.length - 1)));
      out.close();
      onToken.run();
      for (int i = 1; i < n && !stop.get(); i++) {
        AbstractTensor t =
            model.forward(next, prompt.length + i - 1, kv, java.util.Optional.empty());
        next = argmax(model.getLogits(t));
        t.close();
        onToken.run();
      }
    }
  }

  /** Greedy generation of {@code n} tokens. */
  public int[] greedy(int[] prompt, int n) {
    float[][] logits = greedyLogits(prompt, n - 1);
    int[] ids = new int[n];
    for (int i = 0; i < n; i++) {
      ids[i] = argmax(logits[i]);
    }
    return ids;
  }

  public static int argmax(float[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best;
  }

  @Override
  public void close() {
    caches.close();
    model.close();
  }
}
