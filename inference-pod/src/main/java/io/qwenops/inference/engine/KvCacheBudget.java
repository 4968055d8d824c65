package io.qwenops.inference.engine;

import io.qwenops.inference.model.ModelConfig;
import java.util.Locale;

/**
 * How many bytes the KV pool may take, and where that number came from (for the startup log). On a
 * GPU it follows vLLM: the process may fill {@code gpuMemoryUtilization} of the device's memory;
 * what the weights (and anything else already on the device) hold is taken off, and so is the
 * forward pass's peak working memory, which vLLM measures with a profiling run and this engine
 * estimates from the step's shape ({@link #activationReserve}).
 *
 * @param bytes the pool's size
 * @param source how it was derived, in words and numbers
 */
public record KvCacheBudget(long bytes, String source) {

  private static final double GIB = 1024.0 * 1024 * 1024;

  /** The CPU pool's default ceiling when no size is given. */
  static final long CPU_DEFAULT_BYTES = 2L << 30;

  /** {@code --kv-cache-memory} given. */
  static KvCacheBudget explicit(long bytes) {
    return new KvCacheBudget(bytes, "--kv-cache-memory " + gib(bytes));
  }

  /**
   * vLLM's rule: {@code total × utilization − in use − activation reserve}, never negative.
   *
   * @param usedBytes device memory in use now (weights loaded; other processes count too)
   */
  static KvCacheBudget gpu(long totalBytes, long usedBytes, double utilization, long reserveBytes) {
    long allowed = (long) (totalBytes * utilization);
    long bytes = Math.max(0, allowed - usedBytes - reserveBytes);
    return new KvCacheBudget(
        bytes,
        String.format(
            Locale.ROOT,
            "%.2f (--gpu-memory-utilization) × %s total − %s in use − %s forward-pass reserve",
            utilization,
            gib(totalBytes),
            gib(usedBytes),
            gib(reserveBytes)));
  }

  /**
   * A quarter of available RAM, at most 2 GiB: the CPU server shares its machine. Available, not
   * free: see {@link HostMemory} (the page cache a checkpoint write leaves behind is reclaimable).
   */
  static KvCacheBudget cpu(HostMemory memory) {
    if (memory.bytes() <= 0) {
      return new KvCacheBudget(
          CPU_DEFAULT_BYTES / 4, "CPU default (available memory unknown: " + memory.source() + ")");
    }
    long bytes = Math.min(CPU_DEFAULT_BYTES, memory.bytes() / 4);
    return new KvCacheBudget(
        bytes,
        "CPU: min("
            + gib(CPU_DEFAULT_BYTES)
            + ", available RAM "
            + gib(memory.bytes())
            + " / 4); available = "
            + memory.source());
  }

  /**
   * The forward pass's working memory at its largest step, in F32 (the residual stream, norms and
   * logits are F32 in every precision): per batched token the widest live activations (attention
   * projections, the MLP's gate and up), and per sequence the logits and their softmax.
   */
  static long activationReserve(ModelConfig c, int maxNumBatchedTokens, int maxNumSeqs) {
    long kvWidth = 2L * c.numKeyValueHeads() * c.headDim();
    long perToken = 4L * c.hiddenSize() + kvWidth + 3L * c.intermediateSize();
    long perSequence = 2L * c.vocabSize();
    return 4L * (perToken * maxNumBatchedTokens + perSequence * maxNumSeqs);
  }

  /** The startup line: blocks and tokens that fit, and why. */
  String describe(int blocks, int blockSize, long bytesPerToken) {
    return String.format(
        Locale.ROOT,
        "KV cache: %d blocks of %d tokens = %d tokens (%s, %d bytes per token); budget %s = %s",
        blocks,
        blockSize,
        (long) blocks * blockSize,
        gib((long) blocks * blockSize * bytesPerToken),
        bytesPerToken,
        gib(bytes),
        source);
  }

  private static String gib(long bytes) {
    return String.format(Locale.ROOT, "%.2f GiB", bytes / GIB);
  }
}
