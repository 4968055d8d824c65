package io.qwenops.inference.engine;

import ai.djl.ndarray.NDManager;
import io.qwenops.inference.bench.StepProfile;
import io.qwenops.inference.model.CheckpointWriter;
import io.qwenops.inference.model.ComputeSetup;
import io.qwenops.inference.model.CpuWeights;
import io.qwenops.inference.model.ForwardBatch;
import io.qwenops.inference.model.GenerationConfig;
import io.qwenops.inference.model.ModelConfig;
import io.qwenops.inference.model.ModelShape;
import io.qwenops.inference.model.PagedKvCache;
import io.qwenops.inference.model.Qwen2Model;
import io.qwenops.inference.model.Qwen2Weights;
import io.qwenops.inference.model.QwenTokenizer;
import io.qwenops.inference.model.StepLogits;
import io.qwenops.inference.model.WeightLoader;
import io.qwenops.inference.model.matvec.DecodeMatVec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where a decode step's time goes around its matmuls, on a 0.5B-shaped BF16 checkpoint at batch 1
 * and 16 or the batches given (context ~192): the whole engine step (schedule → forward → sample →
 * outputs, timed by the engine's own {@link StepHook} while every sequence decodes), the bare
 * forward pass on the same width, and the projections alone (every layer's four matmuls and lm_head
 * on the kernel). Prints medians per round and the share of the step that is not projections.
 * Usage: {@code AroundMatmulsProbe DIR [rounds] [batches, default 1,16]}; writes the checkpoint to
 * DIR first when absent.
 */
public final class AroundMatmulsProbe {

  private static final int CONTEXT = 192;
  private static final int OUTPUT = 12;

  /** Phase timestamps of the steps taken while {@code recording}. */
  private static final class PhaseClock implements StepHook {
    volatile boolean recording;
    volatile Qwen2Model model;
    // [schedule, forward, sample, first stop check, end, nanos in the forward pass's projections]
    final List<long[]> steps = new ArrayList<>();
    private long[] current;

    @Override
    public void before(StepPhase phase) {
      long now = System.nanoTime();
      switch (phase) {
        case SCHEDULE -> {
          if (current != null && recording) {
            current[4] = now;
            synchronized (steps) {
              steps.add(current);
            }
          }
          current = new long[6];
          current[0] = now;
        }
        case FORWARD -> current[1] = now;
        case SAMPLE -> {
          current[2] = now;
          current[5] = model.lastProjectionNanos();
        }
        case STOP_CHECK -> {
          if (current[3] == 0) {
            current[3] = now;
          }
        }
        case FINISH -> {}
      }
    }
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    int[] batches =
        args.length > 2
            ? Arrays.stream(args[2].split(",")).mapToInt(Integer::parseInt).toArray()
            : new int[] {1, 16};
    if (!Files.exists(dir.resolve(".complete"))) {
      System.out.println("Writing the 0.5B-shaped BF16 checkpoint to " + dir + " ...");
      CheckpointWriter.write(dir, CheckpointWriter.Spec.of(ModelShape.QWEN25_0_5B));
      Files.writeString(dir.resolve(".complete"), "ok");
    }
    ModelConfig config = ModelConfig.load(dir);
    ComputeSetup setup = ComputeSetup.resolve("cpu", "bfloat16", "none", config.torchDtype());
    EngineOptions options =
        EngineOptions.defaults()
            .withDevice("cpu")
            .withDtype("bfloat16")
            .withMaxModelLen(1024)
            .withMaxNumSeqs(64)
            .withMaxNumBatchedTokens(512);
    PhaseClock clock = new PhaseClock();
    try (Qwen2Weights w = WeightLoader.load(dir, config, setup);
        // StepProfile.decodeBatch puts row b's context at slot 256·b: room for the widest batch
        PagedKvCache cache =
            new PagedKvCache(
                config,
                setup,
                Math.max(400, 16 * Arrays.stream(batches).max().orElse(1) + 16),
                16);
        QwenTokenizer tokenizer = QwenTokenizer.load(dir)) {
      Qwen2Model model = new Qwen2Model(w, 1024);
      clock.model = model;
      EngineLoop engine =
          new EngineLoop(
              model,
              cache,
              tokenizer,
              GenerationConfig.load(dir),
              options,
              1024,
              clock,
              new Sha256BlockHasher());
      int[] prefix = new SplittableRandom(7).ints(CONTEXT - 8, 0, 150_000).toArray();
      run(engine, clock, prefix, 1, 1); // the shared prefix, computed once and cached
      for (int round = 1; round <= rounds; round++) {
        for (int batch : batches) {
          measure(engine, clock, model, w, cache, prefix, batch, round);
        }
      }
      engine.close();
    }
  }

  private static void measure(
      EngineLoop engine,
      PhaseClock clock,
      Qwen2Model model,
      Qwen2Weights w,
      PagedKvCache cache,
      int[] prefix,
      int batch,
      int round)
      throws InterruptedException {
    List<long[]> steps = run(engine, clock, prefix, batch, OUTPUT);
    long[] best = steps.stream().min(Comparator.comparingLong(s -> s[4] - s[0])).orElseThrow();
    double step = (best[4] - best[0]) / 1e6;
    double inPass = best[5] / 1e6;
    double[] shares =
        steps.stream()
            .mapToDouble(s -> 100.0 * (s[4] - s[0] - s[5]) / (s[4] - s[0]))
            .sorted()
            .toArray();
    // Interleaved, best of seven: the box is shared, and the minimum is the least disturbed.
    ForwardBatch fb = StepProfile.decodeBatch(batch, CONTEXT);
    double viaTensor = Double.MAX_VALUE;
    double viaArray = Double.MAX_VALUE;
    double projections = Double.MAX_VALUE;
    double shortContext = Double.MAX_VALUE;
    ForwardBatch fbShort = StepProfile.decodeBatch(batch, 16);
    for (int rep = 0; rep < 7; rep++) {
      projections = Math.min(projections, projections(w, batch));
      try (NDManager m = NDManager.newBaseManager(w.setup().device(), "PyTorch")) {
        long t0 = System.nanoTime();
        model.forward(fb, cache, m).argMax(1).toLongArray(); // logits copied to a tensor
        long t1 = System.nanoTime();
        model.logits(fb, cache, m).argmax(); // argmax on the Java array
        long t2 = System.nanoTime();
        model.logits(fbShort, cache, m).argmax(); // attention over 16 slots instead of 192
        long t3 = System.nanoTime();
        viaTensor = Math.min(viaTensor, (t1 - t0) / 1e6);
        viaArray = Math.min(viaArray, (t2 - t1) / 1e6);
        shortContext = Math.min(shortContext, (t3 - t2) / 1e6);
      }
    }
    double[] sampling = greedySampling(model, fb, cache, w.setup());
    System.out.printf(
        Locale.ROOT,
        "round %d batch %2d: engine step %.1f ms (best of %d; median %.1f) = schedule %.2f +"
            + " forward %.1f (projections in it %.1f) + sample %.2f + outputs %.2f | outside the"
            + " projections: %.1f ms = %.1f%% of the best step, %.1f–%.1f%% (median %.1f%%) over"
            + " all | forward+argmax %.1f ms via a tensor,"
            + " %.1f ms on the array | projections alone %.1f ms, %.0f%% of forward+argmax"
            + " outside them | attention's last 176 slots %.1f ms"
            + " | greedy sampling %.2f ms via a tensor, %.2f ms on the array%n",
        round,
        batch,
        step,
        steps.size(),
        median(steps, 0, 4),
        (best[1] - best[0]) / 1e6,
        (best[2] - best[1]) / 1e6,
        inPass,
        (best[3] - best[2]) / 1e6,
        (best[4] - best[3]) / 1e6,
        step - inPass,
        100 * (step - inPass) / step,
        shares[0],
        shares[shares.length - 1],
        shares[shares.length / 2],
        viaTensor,
        viaArray,
        projections,
        100 * (viaArray - projections) / viaArray,
        viaArray - shortContext,
        sampling[0],
        sampling[1]);
  }

  /**
   * Greedy sampling of one step's logits, best of 21 each, alternating: the old way (the array
   * copied into a tensor, PyTorch's argmax on the one thread a Java step leaves it, ids copied
   * back) and the array's own argmax.
   */
  private static double[] greedySampling(
      Qwen2Model model, ForwardBatch fb, PagedKvCache cache, ComputeSetup setup) {
    try (NDManager m = NDManager.newBaseManager(setup.device(), "PyTorch")) {
      StepLogits onArray = model.logits(fb, cache, m);
      float[] values = onArray.values();
      double viaTensor = Double.MAX_VALUE;
      double viaArray = Double.MAX_VALUE;
      for (int rep = 0; rep < 21; rep++) {
        long t0 = System.nanoTime();
        try (NDManager step = m.newSubManager()) {
          StepLogits.of(values, onArray.rows(), onArray.vocab())
              .tensor(step)
              .argMax(1)
              .toLongArray();
        }
        long t1 = System.nanoTime();
        onArray.argmax();
        long t2 = System.nanoTime();
        viaTensor = Math.min(viaTensor, (t1 - t0) / 1e6);
        viaArray = Math.min(viaArray, (t2 - t1) / 1e6);
      }
      return new double[] {viaTensor, viaArray};
    }
  }

  /** Runs {@code batch} requests (prefix + 8 own tokens) and returns the all-decoding steps. */
  private static List<long[]> run(
      EngineLoop engine, PhaseClock clock, int[] prefix, int batch, int output)
      throws InterruptedException {
    CountDownLatch done = new CountDownLatch(batch);
    AtomicInteger started = new AtomicInteger();
    synchronized (clock.steps) {
      clock.steps.clear();
    }
    SamplingParams sampling =
        new SamplingParams(
            0.0, null, null, null, null, 0, 0, null, output, List.of(), Set.of(), true, null,
            Map.of(), 0);
    for (int b = 0; b < batch; b++) {
      int[] prompt = Arrays.copyOf(prefix, prefix.length + (output > 1 ? 8 : 0));
      for (int i = prefix.length; i < prompt.length; i++) {
        prompt[i] = 1000 + 17 * b + i;
      }
      engine.submit(
          new GenerationRequest("probe-" + System.nanoTime() + "-" + b, prompt, sampling),
          new GenerationListener() {
            private boolean first = true;

            @Override
            public void onToken(TokenOutput token) {
              if (first) {
                first = false;
                if (started.incrementAndGet() == batch) {
                  clock.recording = true;
                }
              }
            }

            @Override
            public void onFinish(FinishReason reason, RequestTimings timings) {
              clock.recording = false;
              done.countDown();
            }

            @Override
            public void onError(Throwable error) {
              error.printStackTrace();
              done.countDown();
            }
          });
    }
    if (!done.await(10, TimeUnit.MINUTES)) {
      throw new IllegalStateException("The probe's requests did not finish");
    }
    synchronized (clock.steps) {
      // The first recorded step can begin before the last first token: drop it.
      return new ArrayList<>(
          clock.steps.subList(Math.min(1, clock.steps.size()), clock.steps.size()));
    }
  }

  private static double median(List<long[]> steps, int from, int to) {
    double[] d = steps.stream().mapToDouble(s -> (s[to] - s[from]) / 1e6).sorted().toArray();
    return d.length == 0 ? Double.NaN : d[d.length / 2];
  }

  /** One pass of every layer's four projections and lm_head at {@code batch} rows, in ms. */
  private static double projections(Qwen2Weights w, int batch) {
    CpuWeights p = w.packed();
    DecodeMatVec kernel = DecodeMatVec.forSetup(w.setup()).orElseThrow();
    kernel.beforeForward(true);
    int hidden = w.config().hiddenSize();
    int heads = w.config().numAttentionHeads() * w.config().headDim();
    float[] x = new float[Math.max(8, batch) * hidden];
    float[] attended = new float[Math.max(8, batch) * heads];
    float[] act = new float[Math.max(8, batch) * w.config().intermediateSize()];
    float[] residual = new float[Math.max(8, batch) * hidden];
    Arrays.fill(x, 0.01f);
    Arrays.fill(attended, 0.01f);
    Arrays.fill(act, 0.01f);
    long t0 = System.nanoTime();
    for (CpuWeights.Layer l : p.layers()) {
      kernel.multiply(l.qkv(), x, batch, l.qkvBias());
      kernel.multiplyAdd(l.o(), attended, batch, residual);
      kernel.multiply(l.gateUp(), x, batch, null);
      kernel.multiplyAdd(l.down(), act, batch, residual);
    }
    kernel.multiply(p.lmHead(), x, batch, null);
    return (System.nanoTime() - t0) / 1e6;
  }
}
