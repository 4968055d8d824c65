package io.qwenops.inference.model;

import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * DJL asks the CUDA runtime for the GPU count each time it picks a native library (PyTorch, then
 * the tokenizer) and, on a machine without a usable driver, warns twice each time ("Failed to
 * detect GPU count: CUDA driver version is insufficient"). Unless a CUDA device was asked for,
 * those warnings add nothing to the one line the engine logs about where it runs, so they are
 * quieted.
 */
public final class CudaProbeLog {

  // JUL holds loggers weakly: keep this one so its level sticks.
  private static final Logger DJL_CUDA = Logger.getLogger("ai.djl.util.cuda.CudaUtils");

  private CudaProbeLog() {}

  /** Quiets DJL's CUDA probe warnings for {@code auto} and {@code cpu}; keeps them for CUDA. */
  public static void quietUnlessCudaAsked(String device) {
    if (!asksForCuda(device)) {
      DJL_CUDA.setLevel(Level.SEVERE);
    }
  }

  static boolean asksForCuda(String device) {
    String d = device == null ? "" : device.trim().toLowerCase(Locale.ROOT);
    return d.equals("gpu") || d.startsWith("cuda");
  }
}
