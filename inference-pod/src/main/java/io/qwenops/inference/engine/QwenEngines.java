package io.qwenops.inference.engine;

import ai.djl.engine.Engine;
import ai.djl.engine.StandardCapabilities;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Logger;

/** Loads a Hugging Face Qwen2 model directory and starts its engine. */
public final class QwenEngines {

  private static final Logger LOG = Logger.getLogger(QwenEngines.class.getName());

  private QwenEngines() {}

  public static LoadedModel load(Path modelDir, EngineOptions options) throws IOException {
    return load(modelDir, options, StepHook.NONE, new Sha256BlockHasher());
  }

  /**
   * The one line that says where the engine runs, and why CPU when nobody asked for it. {@code
   * cudaBuild}: the loaded libtorch has CUDA, so a CPU choice means DJL's probe of the CUDA runtime
   * (libcudart through JNA, not PyTorch itself) found no GPU.
   */
  static String where(ComputeSetup setup, String device, boolean cudaBuild) {
    String on = setup.device().isGpu() ? "cuda:" + setup.device().getDeviceId() : "CPU";
    String why = "";
    if (!setup.device().isGpu() && (device == null || device.equalsIgnoreCase("auto"))) {
      why =
          cudaBuild
              ? " (this libtorch is a CUDA build, but the CUDA runtime reports no GPU: is the driver"
                  + " loaded and libcudart.so on LD_LIBRARY_PATH? --device cuda to require one)"
              : " (this libtorch is a CPU build; GPUs need the CUDA flavour, docs/install.md)";
    }
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
    LOG.info(
        where(
            setup,
            options.device(),
            Engine.getEngine("PyTorch").hasCapability(StandardCapabilities.CUDA)));
    QwenTokenizer tokenizer = QwenTokenizer.load(modelDir);
    Qwen2Weights weights;
    try {
      weights = WeightLoader.load(modelDir, config, setup);
    } catch (IOException | RuntimeException e) {
      tokenizer.close();
      throw e;
    }
    try {
      KvCacheBudget budget = kvBudget(options, setup, config);
      long kvBytes = budget.bytes();
      long perToken = PagedKvCache.bytesPerToken(config, setup);
      int blocks =
          (int)
              Math.min(
                  Integer.MAX_VALUE / options.blockSize(),
                  kvBytes / (perToken * options.blockSize()));
      int wanted =
          options.maxModelLen() > 0 ? options.maxModelLen() : config.maxPositionEmbeddings();
      int maxModelLen = Math.min(wanted, blocks * options.blockSize());
      LOG.info(budget.describe(blocks, options.blockSize(), perToken));
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

  /** Explicit size, else on GPU vLLM's rule (see {@link KvCacheBudget}), else the CPU default. */
  static KvCacheBudget kvBudget(EngineOptions options, ComputeSetup setup, ModelConfig config) {
    if (options.kvCacheBytes() > 0) {
      return KvCacheBudget.explicit(options.kvCacheBytes());
    }
    if (setup.device().isGpu()) {
      var usage = CudaUtils.getGpuMemory(setup.device());
      return KvCacheBudget.gpu(
          usage.getMax(),
          usage.getCommitted(),
          options.gpuMemoryUtilization(),
          KvCacheBudget.activationReserve(
              config, options.maxNumBatchedTokens(), options.maxNumSeqs()));
    }
    return KvCacheBudget.cpu(HostMemory.read());
  }
}
