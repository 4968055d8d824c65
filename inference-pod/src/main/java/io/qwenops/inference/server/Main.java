package io.qwenops.inference.server;

import io.helidon.logging.common.LogConfig;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.qwenops.inference.api.ModelSlot;
import io.qwenops.inference.api.OpenAiRouting;
import io.qwenops.inference.api.TransportErrors;
import io.qwenops.inference.api.generate.RequestMetrics;
import io.qwenops.inference.batch.BatchCommand;
import io.qwenops.inference.engine.EngineStats;
import io.qwenops.inference.metrics.MetricsService;
import io.qwenops.inference.metrics.VllmMetrics;
import java.lang.System.Logger;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/** Starts the OpenAI-compatible server, then loads the model in the background. */
public final class Main {

  private static final Logger LOG = System.getLogger(Main.class.getName());

  /** Qwen2.5's context length: the top of the token-count buckets when none is configured. */
  static final int DEFAULT_BUCKET_MAX_LEN = 32768;

  public static final String VERSION =
      java.util.Optional.ofNullable(Main.class.getPackage().getImplementationVersion())
          .orElse("0.1.0-SNAPSHOT");

  /** The operator recognises a failed load by this start of the termination message. */
  static final String FAILED_LOAD_PREFIX = "Loading the model failed";

  private Main() {}

  public static void main(String[] args) {
    if (args.length > 0 && args[0].equals("batch")) {
      System.exit(
          BatchCommand.run(
              java.util.Arrays.copyOfRange(args, 1, args.length), System.getenv(), System.err));
      return;
    }
    ServerOptions options;
    try {
      options = ServerOptions.parse(args, System.getenv());
    } catch (UsageException e) {
      System.err.println("error: " + e.getMessage());
      System.err.println("Run with --help for the options.");
      System.exit(2);
      return;
    }
    if (options.help()) {
      System.out.print(ServerOptions.helpText());
      return;
    }
    LogConfig.configureRuntime();
    Map<String, String> env = System.getenv();
    Duration drainTimeout = Drain.timeout(env);
    RunningServer server = start(options, new QwenModelLoader(env), env);
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> server.shutdown(drainTimeout), "shutdown"));
    exitIfTheLoadFails(server, env);
  }

  /**
   * A model that cannot load will not load on its own: exit 1 with the reason as the termination
   * message, so the pod restarts now (not when the startup probe's budget runs out) and Kubernetes
   * shows why.
   */
  private static void exitIfTheLoadFails(RunningServer server, Map<String, String> env) {
    try {
      server.loading().join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    if (server.slot().state() == ModelSlot.State.FAILED) {
      TerminationMessage.write(env, FAILED_LOAD_PREFIX + ": " + server.slot().failure());
      System.exit(1);
    }
  }

  /**
   * The routes, filters and error mapping of the whole server; tests build their servers with it.
   */
  public static void routing(
      HttpRouting.Builder routing,
      ModelSlot slot,
      PrometheusRegistry registry,
      RequestMetrics metrics,
      ServerOptions options) {
    OpenAiRouting.register(
        routing,
        slot,
        metrics,
        options.apiKey(),
        options.maxRequestBytes(),
        options.requestLimits(),
        VERSION);
    routing.register(new MetricsService(registry));
    OpenAiRouting.finish(routing);
  }

  /** Listens at once (so /health answers 503), then loads the model on a background thread. */
  public static RunningServer start(
      ServerOptions options, ModelLoader loader, Map<String, String> env) {
    ModelSlot slot = new ModelSlot(options.servedModelName());
    Drain drain = new Drain();
    PrometheusRegistry registry = new PrometheusRegistry();
    JvmMetrics.builder().register(registry);
    VllmMetrics metrics =
        new VllmMetrics(
            registry,
            options.servedModelName(),
            options.maxModelLen() == null ? DEFAULT_BUCKET_MAX_LEN : options.maxModelLen(),
            () -> slot.current().map(m -> m.engine().stats()).orElse((EngineStats) null));
    WebServer server =
        WebServer.builder()
            .host(options.host())
            .port(options.port())
            .directHandlers(TransportErrors.handlers())
            .routing(
                r -> {
                  r.addFilter(drain);
                  routing(r, slot, registry, metrics, options);
                })
            .build()
            .start();
    LOG.log(
        Logger.Level.INFO,
        "Listening on {0}:{1}; loading {2} as ''{3}''",
        options.host(),
        String.valueOf(server.port()),
        options.model(),
        options.servedModelName());
    AtomicReference<AutoCloseable> resources = new AtomicReference<>();
    Thread loading =
        Thread.ofPlatform()
            .name("model-loader")
            .daemon(true)
            .start(() -> load(options, loader, env, slot, resources));
    return new RunningServer(server, slot, registry, loading, resources, drain);
  }

  private static void load(
      ServerOptions options,
      ModelLoader loader,
      Map<String, String> env,
      ModelSlot slot,
      AtomicReference<AutoCloseable> resources) {
    try {
      long start = System.nanoTime();
      ModelLoader.Loaded loaded = loader.load(options, slot::loadingProgress);
      resources.set(loaded.resources());
      // The UUIDs go out before the pod reports ready, so the exporter shows our GPUs from the
      // start.
      if (loaded.onGpu()) {
        var uuids = GpuUuidsFile.write(env);
        if (!uuids.isEmpty()) {
          LOG.log(
              Logger.Level.INFO,
              "Wrote GPU UUIDs {0} to {1}",
              uuids,
              env.get(GpuUuidsFile.FILE_ENV));
        }
      }
      slot.ready(loaded.model());
      LOG.log(
          Logger.Level.INFO,
          "Model ''{0}'' ready in {1} s (max_model_len {2})",
          loaded.model().name(),
          String.format("%.1f", (System.nanoTime() - start) / 1e9),
          String.valueOf(loaded.model().maxModelLen()));
    } catch (Throwable t) {
      String reason = t.getMessage() == null ? t.toString() : t.getMessage();
      slot.failed(reason);
      LOG.log(Logger.Level.ERROR, FAILED_LOAD_PREFIX + ": " + reason, t);
    }
  }

  /** A started server: its port, its model slot, and ways to stop both. */
  public record RunningServer(
      WebServer server,
      ModelSlot slot,
      PrometheusRegistry registry,
      Thread loading,
      AtomicReference<AutoCloseable> resources,
      Drain drain) {

    public int port() {
      return server.port();
    }

    /**
     * What SIGTERM does: refuse new requests, let those running finish for up to {@code timeout},
     * then stop.
     */
    public void shutdown(Duration timeout) {
      drain.begin();
      int running = drain.running();
      LOG.log(
          Logger.Level.INFO,
          "Shutting down: refusing new requests, draining {0} running for up to {1} s",
          String.valueOf(running),
          String.valueOf(timeout.toSeconds()));
      try {
        if (!drain.awaitIdle(timeout)) {
          LOG.log(
              Logger.Level.WARNING,
              "Drain timed out with {0} requests still running; they are cut off",
              String.valueOf(drain.running()));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      stop();
    }

    public void stop() {
      server.stop();
      AutoCloseable loaded = resources.getAndSet(null);
      if (loaded != null) {
        try {
          loaded.close();
        } catch (Exception e) {
          LOG.log(Logger.Level.WARNING, "Freeing the model failed: " + e.getMessage());
        }
      }
    }
  }
}
