package io.qwenops.inference.model.matvec;

/**
 * The production kernel on the calling thread alone, for probes outside this package: one thread's
 * CPU clock then times all of its work, which other processes on a shared box do not inflate.
 */
public final class OneThreadKernel {

  private OneThreadKernel() {}

  public static DecodeMatVec create() {
    ai.djl.engine.Engine.getEngine("PyTorch"); // DecodeMatVec asks PyTorch for its thread count
    return new DecodeMatVec(new RowSplitter(0));
  }
}
