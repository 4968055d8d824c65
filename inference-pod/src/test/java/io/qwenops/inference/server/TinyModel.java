package io.qwenops.inference.server;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import io.qwenops.inference.api.ModelSlot;
import io.qwenops.inference.api.ServingModel;
import io.qwenops.inference.engine.LogprobsMode;
import io.qwenops.inference.model.CheckpointWriter;
import io.qwenops.inference.model.ModelShape;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * One real server on the real engine for the whole test JVM: a tiny random-weight Qwen2 checkpoint
 * (real Qwen2.5 tokenizer and chat template) written by {@link CheckpointWriter}, loaded through
 * {@link Main#start} exactly as production does.
 */
public final class TinyModel {

  public static final String NAME = "qwen-tiny";
  static final int MAX_MODEL_LEN = 256;
  private static Main.RunningServer server;

  private TinyModel() {}

  /**
   * The official OpenAI Java SDK pointed at the shared server, validating every response strictly
   * (a missing or mistyped field fails the call), without retries. The caller closes it.
   */
  static OpenAIClient sdkClient() {
    return OpenAIOkHttpClient.builder()
        .baseUrl("http://127.0.0.1:" + server().port() + "/v1")
        .apiKey("unused")
        .responseValidation(true)
        .maxRetries(0)
        .timeout(Duration.ofSeconds(120))
        .build();
  }

  static synchronized Main.RunningServer server() {
    if (server == null) {
      server = Main.start(options(null), new QwenModelLoader(), Map.of());
      awaitReady(server.slot());
      Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
    }
    return server;
  }

  static ServingModel model() {
    return server().slot().current().orElseThrow();
  }

  static Http http() {
    return new Http(server().port());
  }

  public static synchronized Path checkpoint() {
    Path dir = Path.of("target", "test-models", NAME).toAbsolutePath();
    try {
      return CheckpointWriter.write(dir, CheckpointWriter.Spec.of(ModelShape.TINY));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ServerOptions options(String apiKey) {
    return new ServerOptions(
        checkpoint().toString(),
        NAME,
        "127.0.0.1",
        0,
        "cpu",
        "float32",
        null,
        MAX_MODEL_LEN,
        8,
        128,
        null,
        8L << 20,
        64,
        apiKey,
        64 * 1024,
        io.qwenops.inference.api.wire.RequestLimits.defaults(),
        false,
        LogprobsMode.RAW_LOGPROBS);
  }

  public static void awaitReady(ModelSlot slot) {
    long deadline = System.nanoTime() + 180_000_000_000L;
    while (slot.state() == ModelSlot.State.LOADING && System.nanoTime() < deadline) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    if (slot.state() != ModelSlot.State.READY) {
      throw new IllegalStateException("tiny model did not load: " + slot.failure());
    }
  }
}
