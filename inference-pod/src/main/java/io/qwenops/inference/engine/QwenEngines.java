package io.qwenops.inference.engine;

import ai.djl.util.cuda.CudaUtils;
import io.qwenops.inference.model.ComputeSetup;
import io.qwenops.inference.model.CudaProbeLog;
import io.qwenops.inference.model.GenerationConfig;
import io.qwenops.inference.model.ModelConfig;
import io.qwenops.inference.model.PagedKvCache;
import io.qwenops.inference.model.Qwen2Model;
import io.qwenops.inference.model.Qwen2Weights;
import io.qwenops.inference.model.QwenTokenizer;
import io.qwenops.inference.model.WeightLoader;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Logger;

/** Loads a Hugging Face Qwen2 model directory and starts its engine. */
public final class QwenEngines {

  private static final Logger LOG = Logger.getLogger(QwenEngines.class.getName());

  /** The CPU KV pool's default ceiling when no size is given. */
  static final long CPU_DEFAULT_KV_BYTES = 2L << 30;

  private QwenEngines() {}

  public static LoadedModel load(Path modelDir, EngineOptions options) throws IOException {
    return load(modelDir, options, StepHook.NONE, new Sha256BlockHasher());
  }

  /** The one line that says where the engine runs, and why CPU when nobody asked for it. */
  static String where(ComputeSetup setup, String device) {
    String on = setup.device().isGpu() ? "cuda:" + setup.device().getDeviceId() : "CPU";
    String why =
        !setup.device().isGpu() && (device == null || device.equalsIgnoreCase("auto"))
            ? " (PyTorch sees no CUDA GPU; --device cuda to require one)"
            : "";
    return "Running on "
        + on
        + " in "
        + setup.weightsName()
        + (setup.format() == io.qwenops.inference.model.WeightFormat.TENSORS ? "" : " weights")
        + why;
  }

  /** As {@link #load(Path, EngineOptions)}, with the engine's test seams (see EngineLoop). */
  static LoadedModel load(Path modelDir, EngineOptions options, StepHook hook, BlockHasher hasher)
      throws IOException {
    if (!Files.isDirectory(modelDir)) {
      throw new IOException("Model directory " + modelDir + " does not exist");
    }
    ModelConfig config = ModelConfig.load(modelDir);
    GenerationConfig generation = GenerationConfig.load(modelDir);
    CudaProbeLog.quietUnlessCudaAsked(options.device());
    ComputeSetup setup =
        ComputeSetup.resolve(
            options.device(), options.dtype(), options.quantization(), config.torchDtype());
    LOG.info(where(setup, options.device()));
    QwenTokenizer tokenizer = QwenTokenizer.load(modelDir);
    Qwen2Weights weights;
    try {
      weights = WeightLoader.load(modelDir, config, setup);
    } catch (IOException | RuntimeException e) {
      tokenizer.close();
      throw e;
    }
    try {
      long kvBytes = kvBudget(options, setup, weights);
      long perToken = PagedKvCache.bytesPerToken(config, setup);
      int blocks =
          (int)
              Math.min(
                  Integer.MAX_VALUE / options.blockSize(),
                  kvBytes / (perToken * options.blockSize()));
      int wanted =
          options.maxModelLen() > 0 ? options.maxModelLen() : config.maxPositionEmbeddings();
      int maxModelLen = Math.min(wanted, blocks * options.blockSize());
      if (maxModelLen < 1) {
        throw new IOException(
            "The KV cache budget of "
                + kvBytes
                + " bytes holds no block of "
                + options.blockSize()
                + " tokens; give more memory (kvCacheBytes / gpuMemoryUtilization)");
      }
      if (maxModelLen < wanted) {
        LOG.warning(
            "KV cache holds "
                + blocks * options.blockSize()
                + " tokens: max model length is "
                + maxModelLen
                + " instead of "
                + wanted);
      }
      PagedKvCache cache = new PagedKvCache(config, setup, blocks, options.blockSize());
      Qwen2Model model = new Qwen2Model(weights, maxModelLen);
      EngineLoop engine =
          new EngineLoop(model, cache, tokenizer, generation, options, maxModelLen, hook, hasher);
      AutoCloseable memory =
          () -> {
            cache.close();
            weights.close();
          };
      return new LoadedModel(
          modelDir.toAbsolutePath().normalize().getFileName().toString(),
          engine,
          tokenizer,
          config,
          generation,
          memory);
    } catch (IOException | RuntimeException e) {
      weights.close();
      tokenizer.close();
      throw e;
    }
  }

  /**
   * Explicit size, else on GPU what gpuMemoryUtilization leaves after the weights, else CPU
   * default.
   */
  static long kvBudget(EngineOptions options, ComputeSetup setup, Qwen2Weights weights) {
    if (options.kvCacheBytes() > 0) {
      return options.kvCacheBytes();
    }
    if (setup.device().isGpu()) {
      var usage = CudaUtils.getGpuMemory(setup.device());
      long allowed = (long) (usage.getMax() * options.gpuMemoryUtilization());
      return Math.max(0, allowed - usage.getCommitted());
    }
    long free = 0;
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      free = os.getFreeMemorySize();
    }
    return free > 0 ? Math.min(CPU_DEFAULT_KV_BYTES, free / 4) : CPU_DEFAULT_KV_BYTES / 4;
  }
}
