package io.qwenops.inference.model;

import io.qwenops.inference.model.matvec.Matrix;
import java.lang.foreign.Arena;
import java.util.List;

/**
 * The weights as the Java forward pass ({@link CpuDecodeForward}) reads them: norms and biases in
 * Java arrays, projections as {@link Matrix}es. For F32 the matrices are views of the PyTorch
 * tensors' memory ({@code arena} null); for BF16/int8 they live in {@code arena}, which closing
 * frees.
 */
public record CpuWeights(
    List<Layer> layers, Matrix embedding, float[] finalNorm, Matrix lmHead, Arena arena)
    implements AutoCloseable {

  /** One decoder layer, fused as {@link LayerWeights} is. */
  public record Layer(
      float[] inputNorm,
      Matrix qkv,
      float[] qkvBias,
      Matrix o,
      float[] postAttentionNorm,
      Matrix gateUp,
      Matrix down) {}

  /** Bytes of weights read per decoded token (all projections + lm_head). */
  public long bytesPerToken() {
    long total = lmHead.bytes();
    for (Layer l : layers) {
      total += l.qkv().bytes() + l.o().bytes() + l.gateUp().bytes() + l.down().bytes();
    }
    return total;
  }

  @Override
  public void close() {
    if (arena != null) {
      arena.close();
    }
  }
}
