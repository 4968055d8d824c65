package io.qwenops.inference.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.qwenops.inference.engine.EngineOptions;
import io.qwenops.inference.engine.FinishReason;
import io.qwenops.inference.engine.GenerationListener;
import io.qwenops.inference.engine.GenerationRequest;
import io.qwenops.inference.engine.LoadedModel;
import io.qwenops.inference.engine.QwenEngines;
import io.qwenops.inference.engine.RequestTimings;
import io.qwenops.inference.engine.SamplingParams;
import io.qwenops.inference.engine.TokenOutput;
import io.qwenops.inference.model.CheckpointWriter;
import io.qwenops.inference.model.ComputeSetup;
import io.qwenops.inference.model.JlamaRunner;
import io.qwenops.inference.model.ModelShape;
import io.qwenops.inference.model.matvec.DecodeMatVec;
import io.qwenops.inference.model.matvec.Matrix;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Throughput and latency of the engine on the 0.5B shape (F32, CPU): c concurrent requests of 128
 * random prompt tokens and 128 output tokens (greedy, ignore_eos), for c in 1, 4, 16, 64, against
 * the same engine one sequence at a time and against Jlama. Usage: {@code EngineBenchmark [--dir
 * CHECKPOINT_DIR] [--cap SECONDS] [--concurrency 1,4,16,64] [--dtype float32|bfloat16]
 * [--quantization none|int8]}; see docs/benchmarks.md.
 *
 * <p>{@code --weights float32,bfloat16,int8} instead runs only the batching engine once per weight
 * precision, in this one process on a BF16 checkpoint (float32 widens the same values), and prints
 * the ratios: on a shared box only numbers from one run compare. With {@code --llama-cpp} it also
 * runs llama.cpp on the same weights at each precision ({@link LlamaCppRunner}) and compares.
 */
public final class EngineBenchmark {

  static final int PROMPT = 128;
  static final int OUTPUT = 128;

  record Result(
      String system,
      int concurrency,
      int requestsDone,
      long tokens,
      double seconds,
      double ttftMs,
      double tpotMs,
      double tpotP99Ms,
      boolean capped) {
    double tokensPerSecond() {
      return tokens / seconds;
    }
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of("target/bench-0.5b-f32");
    double cap = 60;
    double engineCap = 240;
    int[] levels = {1, 4, 16, 64};
    String dtype = "float32";
    String quantization = "none";
    List<String> weights = List.of();
    boolean llamaCpp = false;
    for (int i = 0; i < args.length; i += 2) {
      if (args[i].equals("--llama-cpp")) {
        llamaCpp = true;
        i--; // a flag without a value
        continue;
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("option " + args[i] + " needs a value");
      }
      switch (args[i]) {
        case "--dtype" -> dtype = args[i + 1];
        case "--quantization" -> quantization = args[i + 1];
        case "--weights" -> weights = List.of(args[i + 1].split(","));
        case "--dir" -> dir = Path.of(args[i + 1]);
        case "--cap" -> cap = Double.parseDouble(args[i + 1]);
        case "--engine-cap" -> engineCap = Double.parseDouble(args[i + 1]);
        case "--concurrency" ->
            levels =
                java.util.Arrays.stream(args[i + 1].split(","))
                    .mapToInt(Integer::parseInt)
                    .toArray();
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (!weights.isEmpty()) {
      comparePrecisions(dir, weights, levels, engineCap, llamaCpp);
      return;
    }
    if (llamaCpp) {
      throw new IllegalArgumentException("--llama-cpp compares at each of --weights: give them");
    }
    if (!Files.exists(dir.resolve(".complete"))) {
      System.out.println("Writing the 0.5B-shaped F32 checkpoint to " + dir + " ...");
      CheckpointWriter.write(
          dir, CheckpointWriter.Spec.of(ModelShape.QWEN25_0_5B).withDtype("f32"));
      Files.writeString(dir.resolve(".complete"), "ok");
    }
    List<Result> results = new ArrayList<>();
    EngineOptions batched =
        EngineOptions.defaults()
            .withDevice("cpu")
            .withDtype(dtype)
            .withQuantization(quantization)
            .withMaxModelLen(1024)
            .withMaxNumSeqs(64)
            .withMaxNumBatchedTokens(512)
            .withKvCacheBytes(1L << 30);
    double bandwidth;
    long weightBytes;
    // The baseline loads first, so any advantage of running first in a fresh process is its own.
    try (LoadedModel model = QwenEngines.load(dir, batched.withMaxNumSeqs(1))) {
      weightBytes = weightBytesPerToken(model);
      bandwidth = measureBandwidth(model);
      warmUp(model);
      for (int c : levels) {
        results.add(runEngine("engine, one at a time (max_num_seqs=1)", model, c, cap));
        print(results.get(results.size() - 1));
      }
    }
    try (LoadedModel model = QwenEngines.load(dir, batched)) {
      warmUp(model);
      for (int c : levels) {
        results.add(runEngine("engine (continuous batching)", model, c, engineCap));
        print(results.get(results.size() - 1));
      }
    }
    for (int c : levels) {
      results.add(runJlama(dir, c, cap));
      print(results.get(results.size() - 1));
    }
    // Measured again at the end: a neighbour busy on the shared cores at the start must not lower
    // the roofline (the higher of the two is the stricter yardstick).
    try (LoadedModel model = QwenEngines.load(dir, batched.withMaxNumSeqs(1))) {
      bandwidth = Math.max(bandwidth, measureBandwidth(model));
    }
    report(results, bandwidth, weightBytes);
  }

  /** The batching engine on one BF16 checkpoint at each weight precision, then the ratios. */
  private static void comparePrecisions(
      Path dir, List<String> precisions, int[] levels, double engineCap, boolean llamaCpp)
      throws Exception {
    if (!Files.exists(dir.resolve(".complete"))) {
      System.out.println("Writing the 0.5B-shaped BF16 checkpoint to " + dir + " ...");
      CheckpointWriter.write(dir, CheckpointWriter.Spec.of(ModelShape.QWEN25_0_5B));
      Files.writeString(dir.resolve(".complete"), "ok");
    }
    List<Result> results = new ArrayList<>();
    List<LlamaCppReport> llamaReports = new ArrayList<>();
    double bandwidth = 0;
    int[] agreementPrompt = prompts(1)[0];
    for (String precision : precisions) {
      Path gguf = null;
      if (llamaCpp) {
        gguf = LlamaCppRunner.ggufFor(dir, GgufWriter.Precision.ofEngine(precision));
      }
      EngineOptions options =
          EngineOptions.defaults()
              .withDevice("cpu")
              .withDtype(precision.equals("int8") ? "auto" : precision)
              .withQuantization(precision.equals("int8") ? "int8" : "none")
              .withMaxModelLen(1024)
              .withMaxNumSeqs(64)
              .withMaxNumBatchedTokens(512)
              .withKvCacheBytes(1L << 30);
      List<Result> ours = new ArrayList<>();
      int[] ourGreedy;
      long weightsPerToken;
      try (LoadedModel model = QwenEngines.load(dir, options)) {
        weightsPerToken = weightsPerToken(model);
        if (llamaCpp && bandwidth == 0) {
          bandwidth = measureBandwidth(model);
        }
        warmUp(model);
        ourGreedy = greedyTokens(model, agreementPrompt, LlamaCppRunner.AGREEMENT_TOKENS);
        for (int c : levels) {
          ours.add(runEngine(precision, model, c, engineCap));
          print(ours.get(ours.size() - 1));
        }
        if (llamaCpp && precision.equals(precisions.get(precisions.size() - 1))) {
          // again at the end: a neighbour busy at the start must not lower the roofline
          bandwidth = Math.max(bandwidth, measureBandwidth(model));
        }
      }
      results.addAll(ours);
      if (llamaCpp) {
        LlamaCppRunner.Runs llama =
            new LlamaCppRunner(LlamaCppRunner.driverDir())
                .run(gguf, agreementPrompt, levels, engineCap);
        llama.results().forEach(EngineBenchmark::print);
        llamaReports.add(
            new LlamaCppReport(
                precision, ours, llama.results(), ourGreedy, llama.greedy(), weightsPerToken));
      }
    }
    System.out.println();
    System.out.println(
        "| weights | concurrency | output tok/s (aggregate) | decode tok/s (1000/TPOT) | mean TTFT ms | mean TPOT ms | × float32 |");
    System.out.println("|---|---|---|---|---|---|---|");
    for (Result r : results) {
      Result f32 = find(results, "float32", r.concurrency());
      System.out.printf(
          Locale.ROOT,
          "| %s | %d | %.1f | %.1f | %.0f | %.0f | %s |%n",
          r.system(),
          r.concurrency(),
          r.tokensPerSecond(),
          1000 / r.tpotMs(),
          r.ttftMs(),
          r.tpotMs(),
          f32 == null
              ? "–"
              : String.format(Locale.ROOT, "%.2f", r.tokensPerSecond() / f32.tokensPerSecond()));
    }
    for (LlamaCppReport report : llamaReports) {
      report.print(bandwidth);
    }
  }

  /** Our engine's greedy continuation of {@code prompt}, {@code n} tokens. */
  private static int[] greedyTokens(LoadedModel model, int[] prompt, int n) throws Exception {
    int[] tokens = new int[n];
    int[] count = {0};
    CountDownLatch done = new CountDownLatch(1);
    model
        .engine()
        .submit(
            new GenerationRequest("agreement", prompt, params(n)),
            new GenerationListener() {
              @Override
              public void onToken(TokenOutput token) {
                if (count[0] < n) {
                  tokens[count[0]++] = token.tokenId();
                }
              }

              @Override
              public void onFinish(FinishReason reason, RequestTimings timings) {
                done.countDown();
              }

              @Override
              public void onError(Throwable error) {
                error.printStackTrace();
                done.countDown();
              }
            });
    if (!done.await(120, TimeUnit.SECONDS)) {
      throw new IllegalStateException("the agreement request did not finish in 120 s");
    }
    return java.util.Arrays.copyOf(tokens, count[0]);
  }

  private static long weightBytesPerToken(LoadedModel model) {
    return 4 * weightsPerToken(model); // F32
  }

  /** Weights read per decoded token: projections + lm_head; the embedding lookup reads one row. */
  private static long weightsPerToken(LoadedModel model) {
    var c = model.config();
    long h = c.hiddenSize();
    long perLayer =
        h * (c.numAttentionHeads() + 2L * c.numKeyValueHeads()) * c.headDim()
            + h * h
            + 3L * h * c.intermediateSize();
    return perLayer * c.numHiddenLayers() + (long) c.vocabSize() * h;
  }

  /**
   * The machine's read bandwidth, as the best of three ways to stream an lm_head-sized F32 matrix
   * (545 MB for 0.5B): PyTorch's GEMV, a plain sum over it on all intra-op threads, and the decode
   * kernel's matrix-vector product on all cores.
   */
  private static double measureBandwidth(LoadedModel model) {
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      int h = model.config().hiddenSize();
      int v = model.config().vocabSize();
      NDArray w = m.randomUniform(-1, 1, new Shape(v, h));
      NDArray x = m.randomUniform(-1, 1, new Shape(h, 1));
      double gemv = bestSeconds(() -> w.matMul(x));
      double sum = bestSeconds(w::sum);
      double kernel = Double.MAX_VALUE;
      var decode = DecodeMatVec.forSetup(ComputeSetup.resolve("cpu", "float32"));
      if (decode.isPresent()) {
        Matrix matrix = decode.get().wrap(w).orElseThrow();
        float[] column = x.toFloatArray();
        // 20: the first calls also JIT-compile the kernel
        kernel = bestSeconds(20, () -> decode.get().multiply(matrix, column, 1, null));
      }
      double bytes = (double) v * h * 4;
      System.out.printf(
          "Bandwidth: GEMV %.1f GB/s, sum %.1f GB/s, decode kernel %.1f GB/s%n",
          bytes / gemv / 1e9, bytes / sum / 1e9, bytes / kernel / 1e9);
      return bytes / Math.min(kernel, Math.min(gemv, sum));
    }
  }

  /** Best of 10 runs of a PyTorch op, its result read back (PyTorch runs ops eagerly). */
  private static double bestSeconds(java.util.function.Supplier<NDArray> op) {
    return bestSeconds(
        10,
        () -> {
          try (NDArray y = op.get()) {
            y.toFloatArray();
          }
        });
  }

  private static double bestSeconds(int runs, Runnable op) {
    double best = Double.MAX_VALUE;
    for (int i = 0; i < runs; i++) {
      long t = System.nanoTime();
      op.run();
      best = Math.min(best, (System.nanoTime() - t) / 1e9);
    }
    return best;
  }

  private static void warmUp(LoadedModel model) throws Exception {
    runEngine("warm-up", model, 2, 30);
  }

  /**
   * The {@code concurrency} prompts of a run at that concurrency: seeded, so every system (our
   * engine, Jlama, llama.cpp) gets the same token ids.
   */
  static int[][] prompts(int concurrency) {
    SplittableRandom random = new SplittableRandom(concurrency * 7919L);
    int[][] prompts = new int[concurrency][];
    for (int i = 0; i < concurrency; i++) {
      prompts[i] = prompt(random);
    }
    return prompts;
  }

  private static int[] prompt(SplittableRandom random) {
    int[] p = new int[PROMPT];
    for (int i = 0; i < p.length; i++) {
      p[i] = random.nextInt(150_000);
    }
    return p;
  }

  private static SamplingParams params(int maxTokens) {
    return new SamplingParams(
        0.0, 1.0, 0, 0.0, 1.0, 0, 0, null, maxTokens, List.of(), Set.of(), true, null, Map.of(), 0);
  }

  static Result runEngine(String name, LoadedModel model, int concurrency, double capSeconds)
      throws Exception {
    int[][] prompts = prompts(concurrency);
    CountDownLatch done = new CountDownLatch(concurrency);
    long[] first = new long[concurrency];
    long[] last = new long[concurrency];
    int[] counts = new int[concurrency];
    long start = System.nanoTime();
    for (int i = 0; i < concurrency; i++) {
      int idx = i;
      model
          .engine()
          .submit(
              new GenerationRequest(name + "-" + concurrency + "-" + i, prompts[i], params(OUTPUT)),
              new GenerationListener() {
                @Override
                public void onToken(TokenOutput token) {
                  long now = System.nanoTime();
                  if (counts[idx]++ == 0) {
                    first[idx] = now;
                  }
                  last[idx] = now;
                }

                @Override
                public void onFinish(FinishReason reason, RequestTimings timings) {
                  done.countDown();
                }

                @Override
                public void onError(Throwable error) {
                  error.printStackTrace();
                  done.countDown();
                }
              });
    }
    boolean finished = done.await((long) (capSeconds * 1000), TimeUnit.MILLISECONDS);
    double seconds = (System.nanoTime() - start) / 1e9;
    if (!finished) {
      for (int i = 0; i < concurrency; i++) {
        model.engine().abort(name + "-" + concurrency + "-" + i);
      }
      done.await(60, TimeUnit.SECONDS);
    }
    return summarize(name, concurrency, start, first, last, counts, seconds, !finished);
  }

  static Result runJlama(Path dir, int concurrency, double capSeconds) throws Exception {
    // Jlama is not thread-safe and does not batch across requests (one instance per thread). Each
    // forward already uses every core; a second instance only contended (measured: 1.2-2.1 tok/s
    // with 2 instances vs 3.4 with one), so the c clients queue for one instance.
    int workers = 1;
    List<JlamaRunner> runners = new ArrayList<>();
    for (int i = 0; i < workers; i++) {
      runners.add(new JlamaRunner(dir));
    }
    runners.get(0).greedyLogits(prompt(new SplittableRandom(1)), 2); // warm-up
    long[] first = new long[concurrency];
    long[] last = new long[concurrency];
    int[] counts = new int[concurrency];
    int[][] prompts = prompts(concurrency);
    AtomicBoolean stop = new AtomicBoolean();
    java.util.concurrent.atomic.AtomicInteger next =
        new java.util.concurrent.atomic.AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(workers);
    long start = System.nanoTime();
    for (int w = 0; w < workers; w++) {
      JlamaRunner runner = runners.get(w);
      pool.submit(
          () -> {
            for (int i; (i = next.getAndIncrement()) < concurrency && !stop.get(); ) {
              int idx = i;
              runner.stream(
                  prompts[idx],
                  OUTPUT,
                  stop,
                  () -> {
                    long now = System.nanoTime();
                    if (counts[idx]++ == 0) {
                      first[idx] = now;
                    }
                    last[idx] = now;
                  });
            }
            return null;
          });
    }
    pool.shutdown();
    boolean finished = pool.awaitTermination((long) (capSeconds * 1000), TimeUnit.MILLISECONDS);
    double seconds = (System.nanoTime() - start) / 1e9;
    stop.set(true);
    pool.awaitTermination(120, TimeUnit.SECONDS);
    runners.forEach(JlamaRunner::close);
    return summarize(
        "Jlama 0.8.4 (" + workers + " instance" + (workers > 1 ? "s" : "") + ")",
        concurrency,
        start,
        first,
        last,
        counts,
        seconds,
        !finished);
  }

  /**
   * One run's numbers from each request's first and last token times ({@code System.nanoTime()}
   * scale, {@code start} the submit time) and token counts. TPOT p99 is over the requests' own mean
   * TPOTs (as vLLM's benchmark reports it), nearest rank.
   */
  static Result summarize(
      String name,
      int concurrency,
      long start,
      long[] first,
      long[] last,
      int[] counts,
      double seconds,
      boolean capped) {
    long tokens = 0;
    int done = 0;
    double ttft = 0;
    int ttftN = 0;
    double tpot = 0;
    int tpotN = 0;
    List<Double> tpots = new ArrayList<>();
    for (int i = 0; i < concurrency; i++) {
      tokens += counts[i];
      if (counts[i] >= OUTPUT) {
        done++;
      }
      if (counts[i] > 0) {
        ttft += (first[i] - start) / 1e6;
        ttftN++;
      }
      if (counts[i] > 1) {
        double own = (last[i] - first[i]) / 1e6 / (counts[i] - 1);
        tpot += own;
        tpotN++;
        tpots.add(own);
      }
    }
    return new Result(
        name,
        concurrency,
        done,
        tokens,
        seconds,
        ttftN == 0 ? Double.NaN : ttft / ttftN,
        tpotN == 0 ? Double.NaN : tpot / tpotN,
        p99(tpots),
        capped);
  }

  private static double p99(List<Double> values) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    List<Double> sorted = values.stream().sorted().toList();
    return sorted.get((int) Math.ceil(0.99 * sorted.size()) - 1);
  }

  static void print(Result r) {
    System.out.println(row(r));
  }

  private static String row(Result r) {
    return String.format(
        Locale.ROOT,
        "| %s | %d | %.1f | %.0f | %.0f | %d/%d%s |",
        r.system(),
        r.concurrency(),
        r.tokensPerSecond(),
        r.ttftMs(),
        r.tpotMs(),
        r.requestsDone(),
        r.concurrency(),
        r.capped() ? String.format(Locale.ROOT, " (capped at %.0f s)", r.seconds()) : "");
  }

  private static void report(List<Result> results, double bandwidth, long weightBytes) {
    System.out.println();
    System.out.println(
        "| system | concurrency | output tok/s (aggregate) | mean TTFT ms | mean TPOT ms | requests done |");
    System.out.println("|---|---|---|---|---|---|");
    results.forEach(r -> System.out.println(row(r)));
    double roofline = bandwidth / weightBytes;
    System.out.printf(
        Locale.ROOT,
        "%nMeasured bandwidth (best of GEMV, sum and decode kernel, at start and end): %.1f GB/s; weights read per decoded token: %.2f GB; roofline %.1f tok/s%n",
        bandwidth / 1e9,
        weightBytes / 1e9,
        roofline);
    for (Result r : results) {
      if (r.concurrency() == 1) {
        System.out.printf(
            Locale.ROOT,
            "Decode at concurrency 1, %s: %.1f tok/s (%.0f%% of roofline)%n",
            r.system(),
            1000 / r.tpotMs(),
            100 * 1000 / r.tpotMs() / roofline);
      }
    }
    for (int c : new int[] {16, 64, 4}) {
      Result ours = find(results, "engine (continuous", c);
      Result off = find(results, "engine, one", c);
      Result jlama = find(results, "Jlama", c);
      Result alone = find(results, "engine (continuous", 1);
      if (ours != null && off != null && jlama != null && alone != null) {
        System.out.printf(
            Locale.ROOT,
            "Concurrency %d: %.1fx one-at-a-time, %.1fx Jlama, %.1fx our own concurrency-1 rate%n",
            c,
            ours.tokensPerSecond() / off.tokensPerSecond(),
            ours.tokensPerSecond() / jlama.tokensPerSecond(),
            ours.tokensPerSecond() / alone.tokensPerSecond());
      }
    }
  }

  private static Result find(List<Result> results, String prefix, int c) {
    return results.stream()
        .filter(r -> r.system().startsWith(prefix) && r.concurrency() == c)
        .findFirst()
        .orElse(null);
  }
}
