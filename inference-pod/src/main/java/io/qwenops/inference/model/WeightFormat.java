package io.qwenops.inference.model;

/**
 * How the projection, embedding and lm_head weights are held. {@code TENSORS}: PyTorch tensors of
 * {@link ComputeSetup#weightType()} (F32 on CPU, F16 on CUDA). {@code BF16} and {@code INT8}: CPU
 * only, in native memory that only the Java kernels read (DJL cannot make BF16 tensors), with every
 * step on the Java path ({@link CpuWeights}).
 */
public enum WeightFormat {
  TENSORS,
  /** The checkpoint's bf16 values (F32/F16 checkpoints rounded to bf16), 2 bytes a weight. */
  BF16,
  /** int8 with one F32 scale per 32 entries of a row (Q8_0-like), 1.125 bytes a weight. */
  INT8
}
