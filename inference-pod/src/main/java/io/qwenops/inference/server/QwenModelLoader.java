package io.qwenops.inference.server;

import io.qwenops.inference.api.LoadingProgress;
import io.qwenops.inference.api.PromptTokenizer;
import io.qwenops.inference.api.ServingModel;
import io.qwenops.inference.engine.EngineOptions;
import io.qwenops.inference.engine.LoadedModel;
import io.qwenops.inference.engine.QwenEngines;
import io.qwenops.inference.hub.DownloadProgress;
import io.qwenops.inference.model.ComputeSetup;
import io.qwenops.inference.model.QwenTokenizer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** Loads a Qwen2 checkpoint with the project's engine and adapts it to what the API serves. */
public final class QwenModelLoader implements ModelLoader {

  private final Map<String, String> env;

  /**
   * @param env the process environment (Hugging Face cache, token, endpoint, offline mode)
   */
  public QwenModelLoader(Map<String, String> env) {
    this.env = env;
  }

  public QwenModelLoader() {
    this(System.getenv());
  }

  @Override
  public Loaded load(ServerOptions options) throws Exception {
    return load(options, progress -> {});
  }

  @Override
  public Loaded load(ServerOptions options, Consumer<Supplier<LoadingProgress>> progress)
      throws Exception {
    EngineOptions engineOptions = engineOptions(options);
    DownloadProgress download = new DownloadProgress();
    if (ModelLocation.isHuggingFace(options.model())) {
      progress.accept(
          () -> {
            DownloadProgress.Snapshot s = download.snapshot();
            return new LoadingProgress(LoadingProgress.DOWNLOADING, s.bytesDone(), s.bytesTotal());
          });
    }
    Path dir = ModelLocation.resolve(options.model(), env, download);
    progress.accept(LoadingProgress::loading);
    LoadedModel loaded = QwenEngines.load(dir, engineOptions);
    try {
      ServingModel model =
          new ServingModel(
              options.servedModelName(),
              options.model(),
              loaded.engine(),
              tokenizer(loaded.tokenizer()),
              ChatTemplates.forModel(dir),
              loaded.config().vocabSize(),
              Instant.now().getEpochSecond());
      boolean onGpu =
          ComputeSetup.resolve(engineOptions.device(), engineOptions.dtype()).device().isGpu();
      return new Loaded(model, onGpu, loaded);
    } catch (Exception | Error e) {
      loaded.close();
      throw e;
    }
  }

  /** The engine's defaults, overridden by whatever the operator set. */
  public static EngineOptions engineOptions(ServerOptions o) {
    EngineOptions e = EngineOptions.defaults();
    if (o.device() != null) {
      e = e.withDevice(o.device());
    }
    if (o.dtype() != null) {
      e = e.withDtype(o.dtype());
    }
    if (o.quantization() != null) {
      e = e.withQuantization(o.quantization());
    }
    if (o.maxModelLen() != null) {
      e = e.withMaxModelLen(o.maxModelLen());
    }
    if (o.maxNumSeqs() != null) {
      e = e.withMaxNumSeqs(o.maxNumSeqs());
    }
    if (o.maxNumBatchedTokens() != null) {
      e = e.withMaxNumBatchedTokens(o.maxNumBatchedTokens());
    }
    if (o.kvCacheBytes() != null) {
      e = e.withKvCacheBytes(o.kvCacheBytes());
    }
    if (o.maxWaiting() != null) {
      e = e.withMaxWaiting(o.maxWaiting());
    }
    if (o.gpuMemoryUtilization() != null) {
      e =
          new EngineOptions(
              e.device(),
              e.dtype(),
              e.quantization(),
              e.maxModelLen(),
              e.maxNumSeqs(),
              e.maxNumBatchedTokens(),
              o.gpuMemoryUtilization(),
              e.kvCacheBytes(),
              e.blockSize(),
              e.enablePrefixCaching(),
              e.maxWaiting(),
              e.logprobsMode());
    }
    return e.withLogprobsMode(o.logprobsMode());
  }

  /** The engine's tokenizer as the API sees it. */
  static PromptTokenizer tokenizer(QwenTokenizer qwen) {
    return new PromptTokenizer() {
      @Override
      public int[] encode(String text) {
        return qwen.encode(text);
      }

      @Override
      public String decode(int[] ids, boolean skipSpecialTokens) {
        return qwen.decode(ids, skipSpecialTokens);
      }

      @Override
      public String tokenText(int id) {
        return qwen.tokenText(id);
      }

      @Override
      public byte[] tokenBytes(int id) {
        return qwen.tokenBytes(id);
      }

      @Override
      public boolean isAddedToken(int id) {
        return qwen.isAdded(id);
      }
    };
  }
}
