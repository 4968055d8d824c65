package io.qwenops.inference.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * The KV pool: per layer, one key and one value tensor of [kvHeads, numBlocks * blockSize,
 * headDim]. A token's K/V live at slot {@code block * blockSize + offset}; which blocks a sequence
 * owns is the engine's business (block tables), this class only holds the memory. Heads come first
 * so that gathering a batch's contexts yields [kvHeads, batch, context, headDim], which attention
 * multiplies without another copy.
 */
public final class PagedKvCache implements AutoCloseable {

  private final NDManager manager;
  private final List<NDArray> keys = new ArrayList<>();
  private final List<NDArray> values = new ArrayList<>();
  private final int numBlocks;
  private final int blockSize;

  public PagedKvCache(ModelConfig config, ComputeSetup setup, int numBlocks, int blockSize) {
    this.numBlocks = numBlocks;
    this.blockSize = blockSize;
    this.manager = NDManager.newBaseManager(setup.device(), "PyTorch");
    Shape shape =
        new Shape(config.numKeyValueHeads(), (long) numBlocks * blockSize, config.headDim());
    // Zeros, not empty memory: padded attention reads unused slots with weight 0, and 0 * NaN
    // would poison the output.
    for (int i = 0; i < config.numHiddenLayers(); i++) {
      keys.add(manager.zeros(shape, setup.weightType()));
      values.add(manager.zeros(shape, setup.weightType()));
    }
  }

  /** Bytes one token occupies across all layers (K and V). */
  public static long bytesPerToken(ModelConfig config, ComputeSetup setup) {
    return 2L
        * config.numHiddenLayers()
        * config.numKeyValueHeads()
        * config.headDim()
        * setup.weightType().getNumOfBytes();
  }

  public NDArray keys(int layer) {
    return keys.get(layer);
  }

  public NDArray values(int layer) {
    return values.get(layer);
  }

  public int numBlocks() {
    return numBlocks;
  }

  public int blockSize() {
    return blockSize;
  }

  @Override
  public void close() {
    manager.close();
  }
}
