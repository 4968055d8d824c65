package io.qwenops.inference.engine;

/**
 * How to run a model.
 *
 * @param device auto (a GPU when DJL sees one, else cpu), cpu, cuda, cuda:N
 * @param dtype auto (CUDA: F16 with F32 norms/softmax/residual; CPU: BF16 for a bfloat16
 *     checkpoint, else F32), float32, float16, bfloat16 (CPU only)
 * @param quantization none (or null) or int8: weights quantised at load, 32 per F32 scale (CPU)
 * @param maxModelLen context length per sequence; 0 takes {@code max_position_embeddings} (capped
 *     to what the KV pool can hold)
 * @param maxNumSeqs sequences in one step at most (1 switches batching off)
 * @param maxNumBatchedTokens tokens computed in one step at most (prefill chunks + decodes)
 * @param gpuMemoryUtilization on a GPU, the fraction of its memory the process may fill; the KV
 *     pool gets what the weights leave of it
 * @param kvCacheBytes explicit KV pool size; 0 derives it: on GPU from gpuMemoryUtilization, on CPU
 *     a quarter of available RAM (MemAvailable, see HostMemory), at most 2 GiB
 * @param blockSize tokens per KV block
 * @param enablePrefixCaching reuse KV blocks of identical prompt prefixes
 * @param maxWaiting queued requests at most; more are refused with {@link QueueFullException}
 * @param logprobsMode which numbers {@code logprobs} report (vLLM's {@code --logprobs-mode})
 */
public record EngineOptions(
    String device,
    String dtype,
    String quantization,
    int maxModelLen,
    int maxNumSeqs,
    int maxNumBatchedTokens,
    double gpuMemoryUtilization,
    long kvCacheBytes,
    int blockSize,
    boolean enablePrefixCaching,
    int maxWaiting,
    LogprobsMode logprobsMode) {

  public EngineOptions {
    if (logprobsMode == null) {
      logprobsMode = LogprobsMode.RAW_LOGPROBS;
    }
    if (maxNumSeqs < 1 || maxNumBatchedTokens < 1 || blockSize < 1 || maxWaiting < 0) {
      throw new IllegalArgumentException(
          "maxNumSeqs, maxNumBatchedTokens and blockSize must be positive, maxWaiting >= 0");
    }
    if (gpuMemoryUtilization <= 0 || gpuMemoryUtilization > 1) {
      throw new IllegalArgumentException("gpuMemoryUtilization must be in (0, 1]");
    }
  }

  public static EngineOptions defaults() {
    return new EngineOptions(
        "auto", "auto", "none", 0, 64, 512, 0.9, 0, 16, true, 1024, LogprobsMode.RAW_LOGPROBS);
  }

  public EngineOptions withDevice(String d) {
    return new EngineOptions(
        d,
        dtype,
        quantization,
        maxModelLen,
        maxNumSeqs,
        maxNumBatchedTokens,
        gpuMemoryUtilization,
        kvCacheBytes,
        blockSize,
        enablePrefixCaching,
        maxWaiting,
        logprobsMode);
  }

  public EngineOptions withQuantization(String q) {
    return new EngineOptions(
        device,
        dtype,
        q,
        maxModelLen,
        maxNumSeqs,
        maxNumBatchedTokens,
        gpuMemoryUtilization,
        kvCacheBytes,
        blockSize,
        enablePrefixCaching,
        maxWaiting,
        logprobsMode);
  }

  public EngineOptions withDtype(String t) {
    return new EngineOptions(
        device,
        t,
        quantization,
        maxModelLen,
        maxNumSeqs,
        maxNumBatchedTokens,
        gpuMemoryUtilization,
        kvCacheBytes,
        blockSize,
        enablePrefixCaching,
        maxWaiting,
        logprobsMode);
  }

  public EngineOptions withMaxModelLen(int n) {
    return new EngineOptions(
        device,
        dtype,
        quantization,
        n,
        maxNumSeqs,
        maxNumBatchedTokens,
        gpuMemoryUtilization,
        kvCacheBytes,
        blockSize,
        enablePrefixCaching,
        maxWaiting,
        logprobsMode);
  }

  public EngineOptions withMaxNumSeqs(int n) {
    return new EngineOptions(
        device,
        dtype,
        quantization,
        maxModelLen,
        n,
        maxNumBatchedTokens,
        gpuMemoryUtilization,
        kvCacheBytes,
        blockSize,
        enablePrefixCaching,
        maxWaiting,
        logprobsMode);
  }

  public EngineOptions withMaxNumBatchedTokens(int n) {
    return new EngineOptions(
        device,
        dtype,
        quantization,
        maxModelLen,
        maxNumSeqs,
        n,
        gpuMemoryUtilization,
        kvCacheBytes,
        blockSize,
        enablePrefixCaching,
        maxWaiting,
        logprobsMode);
  }

  public EngineOptions withKvCacheBytes(long bytes) {
    return new EngineOptions(
        device,
        dtype,
        quantization,
        maxModelLen,
        maxNumSeqs,
        maxNumBatchedTokens,
        gpuMemoryUtilization,
        bytes,
        blockSize,
        enablePrefixCaching,
        maxWaiting,
        logprobsMode);
  }

  public EngineOptions withBlockSize(int n) {
    return new EngineOptions(
        device,
        dtype,
        quantization,
        maxModelLen,
        maxNumSeqs,
        maxNumBatchedTokens,
        gpuMemoryUtilization,
        kvCacheBytes,
        n,
        enablePrefixCaching,
        maxWaiting,
        logprobsMode);
  }

  public EngineOptions withPrefixCaching(boolean on) {
    return new EngineOptions(
        device,
        dtype,
        quantization,
        maxModelLen,
        maxNumSeqs,
        maxNumBatchedTokens,
        gpuMemoryUtilization,
        kvCacheBytes,
        blockSize,
        on,
        maxWaiting,
        logprobsMode);
  }

  public EngineOptions withMaxWaiting(int n) {
    return new EngineOptions(
        device,
        dtype,
        quantization,
        maxModelLen,
        maxNumSeqs,
        maxNumBatchedTokens,
        gpuMemoryUtilization,
        kvCacheBytes,
        blockSize,
        enablePrefixCaching,
        n,
        logprobsMode);
  }

  public EngineOptions withLogprobsMode(LogprobsMode mode) {
    return new EngineOptions(
        device,
        dtype,
        quantization,
        maxModelLen,
        maxNumSeqs,
        maxNumBatchedTokens,
        gpuMemoryUtilization,
        kvCacheBytes,
        blockSize,
        enablePrefixCaching,
        maxWaiting,
        mode);
  }
}
