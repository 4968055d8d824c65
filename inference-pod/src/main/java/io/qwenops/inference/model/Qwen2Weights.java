package io.qwenops.inference.model;

import ai.djl.ndarray.NDManager;
import java.util.List;

/**
 * All weights of a Qwen2 model on the compute device. {@code lmHead} is the embedding itself when
 * the checkpoint ties them. Owned by {@code manager}; closing it frees them.
 *
 * <p>With BF16 or int8 weights ({@link WeightFormat}) there are no weight tensors: {@code
 * embedding}, {@code finalNorm} and {@code lmHead} are null, {@code layers} is empty and {@code
 * packed} holds everything; otherwise {@code packed} is null.
 */
public record Qwen2Weights(
    ModelConfig config,
    ComputeSetup setup,
    NDManager manager,
    ai.djl.ndarray.NDArray embedding,
    List<LayerWeights> layers,
    ai.djl.ndarray.NDArray finalNorm,
    ai.djl.ndarray.NDArray lmHead,
    CpuWeights packed)
    implements AutoCloseable {

  /** Bytes of weights read per decoded token (all projections + lm_head), for the roofline. */
  public long bytesPerToken() {
    if (packed != null) {
      return packed.bytesPerToken();
    }
    long total = lmHead.size() * lmHead.getDataType().getNumOfBytes();
    for (LayerWeights l : layers) {
      total += l.qkvWeight().size() * l.qkvWeight().getDataType().getNumOfBytes();
      total += l.oWeight().size() * l.oWeight().getDataType().getNumOfBytes();
      total += l.gateUpWeight().size() * l.gateUpWeight().getDataType().getNumOfBytes();
      total += l.downWeight().size() * l.downWeight().getDataType().getNumOfBytes();
    }
    return total;
  }

  @Override
  public void close() {
    manager.close();
    if (packed != null) {
      packed.close();
    }
  }
}
