package io.qwenops.inference.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import io.qwenops.inference.model.GenerationConfig;
import io.qwenops.inference.model.PagedKvCache;
import io.qwenops.inference.model.Qwen2Model;
import io.qwenops.inference.model.QwenTokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The engine's step thread: drains submissions and aborts, asks the scheduler for the step's work,
 * runs one forward pass over all of it, samples, streams text to listeners and retires finished
 * sequences (freeing their blocks at once). All scheduling state is confined to this thread.
 */
public final class EngineLoop implements InferenceEngine {

  private static final Logger LOG = Logger.getLogger(EngineLoop.class.getName());

  private sealed interface Command permits Submit, Abort, Wake {}

  private record Submit(Sequence sequence) implements Command {}

  private record Abort(String requestId) implements Command {}

  private record Wake() implements Command {}

  private final Qwen2Model model;
  private final PagedKvCache cache;
  private final QwenTokenizer tokenizer;
  private final GenerationConfig generation;
  private final EngineOptions options;
  private final int maxModelLen;
  private final KvBlockAllocator allocator;
  private final ContinuousBatchScheduler scheduler;
  private final LinkedBlockingQueue<Command> commands = new LinkedBlockingQueue<>();
  private final AtomicInteger queued = new AtomicInteger();
  private final AtomicLong order = new AtomicLong();
  private final SplittableRandom engineRandom = new SplittableRandom();
  private final NDManager manager;
  private final Thread thread;
  private volatile boolean closed;
  private volatile EngineStats stats;

  /** The scheduler's queue length as of the last publish (read by submitting threads). */
  private volatile int waitingInScheduler;

  /** Requests whose sampling failed this step (their constraint threw), failed alone. */
  private final java.util.Map<Sequence, RuntimeException> samplingFailures =
      new java.util.HashMap<>();

  private long promptTokens;
  private long generationTokens;

  public EngineLoop(
      Qwen2Model model,
      PagedKvCache cache,
      QwenTokenizer tokenizer,
      GenerationConfig generation,
      EngineOptions options,
      int maxModelLen) {
    this.model = model;
    this.cache = cache;
    this.tokenizer = tokenizer;
    this.generation = generation;
    this.options = options;
    this.maxModelLen = maxModelLen;
    this.allocator = new KvBlockAllocator(cache.numBlocks());
    this.scheduler =
        new ContinuousBatchScheduler(
            allocator,
            cache.blockSize(),
            options.maxNumSeqs(),
            options.maxNumBatchedTokens(),
            options.enablePrefixCaching());
    this.manager = NDManager.newBaseManager(model.weights().setup().device(), "PyTorch");
    publishStats();
    this.thread = new Thread(this::run, "qwen-engine-step");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  @Override
  public void submit(GenerationRequest request, GenerationListener listener) {
    if (closed) {
      throw new IllegalStateException("The engine is shut down");
    }
    int[] prompt = request.promptTokenIds();
    if (prompt == null || prompt.length == 0) {
      throw new IllegalArgumentException("The prompt is empty");
    }
    SamplingParams p = request.sampling();
    if (p.maxTokens() < 1) {
      throw new IllegalArgumentException("max_tokens must be at least 1");
    }
    if ((long) prompt.length + p.maxTokens() > maxModelLen) {
      throw new IllegalArgumentException(
          "This model's maximum context length is "
              + maxModelLen
              + " tokens, but "
              + prompt.length
              + " prompt tokens + "
              + p.maxTokens()
              + " max tokens were requested");
    }
    int vocab = model.config().vocabSize();
    for (int id : prompt) {
      if (id < 0 || id >= vocab) {
        throw new IllegalArgumentException("Token id " + id + " is outside the vocabulary");
      }
    }
    if (request.promptLogprobs() != null && request.promptLogprobs() < 0) {
      throw new IllegalArgumentException("prompt logprobs must be at least 0");
    }
    if (queued.incrementAndGet() + waitingInScheduler > options.maxWaiting()) {
      int waiting = queued.decrementAndGet() + waitingInScheduler;
      throw new QueueFullException(waiting);
    }
    ResolvedSampling sampling = ResolvedSampling.of(p, generation);
    SplittableRandom random;
    synchronized (engineRandom) {
      random = p.seed() != null ? new SplittableRandom(p.seed()) : engineRandom.split();
    }
    Sequence s =
        new Sequence(
            request.requestId(),
            order.incrementAndGet(),
            prompt.clone(),
            sampling,
            listener,
            random,
            new IncrementalDetokenizer(tokenizer::tokenBytes, tokenizer::isSpecial),
            System.nanoTime(),
            request.promptLogprobs(),
            request.constraint());
    commands.add(new Submit(s));
  }

  @Override
  public void abort(String requestId) {
    commands.add(new Abort(requestId));
  }

  @Override
  public EngineStats stats() {
    return stats;
  }

  @Override
  public int maxModelLen() {
    return maxModelLen;
  }

  @Override
  public int maxWaiting() {
    return options.maxWaiting();
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    commands.add(new Wake());
    try {
      thread.join(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    try {
      while (!closed) {
        if (scheduler.idle()) {
          apply(commands.take());
        }
        for (Command c; (c = commands.poll()) != null; ) {
          apply(c);
        }
        if (!closed && !scheduler.idle()) {
          step();
        }
        publishStats();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      for (Command c; (c = commands.poll()) != null; ) {
        if (c instanceof Submit submit) {
          queued.decrementAndGet();
          scheduler.add(submit.sequence());
        }
      }
      for (Sequence s : scheduler.all()) {
        finish(s, FinishReason.ABORT);
      }
      publishStats();
      manager.close();
    }
  }

  private void apply(Command c) {
    switch (c) {
      case Submit submit -> {
        queued.decrementAndGet();
        scheduler.add(submit.sequence());
      }
      case Abort abort -> {
        Sequence s = scheduler.find(abort.requestId());
        if (s != null) {
          finish(s, FinishReason.ABORT);
        }
      }
      case Wake wake -> {}
    }
  }

  private void step() {
    List<ContinuousBatchScheduler.Work> work = scheduler.schedule();
    if (work.isEmpty()) {
      if (scheduler.runningCount() == 0 && scheduler.waitingCount() > 0) {
        // Nothing runs and the head still cannot get blocks: it can never fit.
        fail(
            scheduler.all().get(0),
            new IllegalStateException("The request does not fit the KV cache"));
      }
      return;
    }
    // Decodes first: the model batches all single-token chunks into one attention call.
    List<ContinuousBatchScheduler.Work> ordered = new ArrayList<>(work.size());
    for (ContinuousBatchScheduler.Work w : work) {
      if (w.tokens() == 1) {
        ordered.add(w);
      }
    }
    for (ContinuousBatchScheduler.Work w : work) {
      if (w.tokens() != 1) {
        ordered.add(w);
      }
    }
    long now = System.nanoTime();
    BatchBuilder.Built built = BatchBuilder.build(ordered, cache.blockSize());
    List<Sequence> sampled = new ArrayList<>();
    for (ContinuousBatchScheduler.Work w : ordered) {
      Sequence s = w.sequence();
      if (s.scheduledNanos == 0) {
        s.scheduledNanos = now;
        promptTokens += s.prompt.length;
      }
      if (s.computed + w.tokens() == s.length()) {
        sampled.add(s);
      }
    }
    List<Sampler.Choice> choices;
    try (NDManager step = manager.newSubManager()) {
      NDArray logits = model.forward(built.batch(), cache, step);
      for (ContinuousBatchScheduler.Work w : ordered) {
        scheduler.computed(w.sequence(), w.tokens());
      }
      if (!built.promptRows().isEmpty()) {
        PromptScorer.score(logits, built.promptRows());
        logits = logits.get(new NDIndex("{}", step.create(built.sampleRows())));
      }
      choices = sampled.isEmpty() ? List.of() : sample(logits, sampled);
    } catch (RuntimeException e) {
      LOG.log(Level.SEVERE, "Engine step failed; failing its requests", e);
      for (ContinuousBatchScheduler.Work w : ordered) {
        fail(w.sequence(), e);
      }
      return;
    }
    long tokenTime = System.nanoTime();
    for (int i = 0; i < sampled.size(); i++) {
      Sequence s = sampled.get(i);
      RuntimeException failure = samplingFailures.remove(s);
      if (failure != null) {
        fail(s, failure);
      } else {
        emit(s, choices.get(i), tokenTime);
      }
    }
  }

  /** Greedy rows without penalties take the argmax on the device; the rest copy their row. */
  private List<Sampler.Choice> sample(NDArray logits, List<Sequence> sampled) {
    boolean allArgmax =
        sampled.stream().allMatch(s -> s.sampling.argmaxOnly() && s.constraint == null);
    List<Sampler.Choice> out = new ArrayList<>(sampled.size());
    if (allArgmax) {
      long[] ids = logits.argMax(1).toLongArray();
      for (long id : ids) {
        out.add(new Sampler.Choice((int) id, Double.NaN, List.of()));
      }
      return out;
    }
    float[] all = logits.toFloatArray();
    int vocab = (int) logits.getShape().get(1);
    for (int i = 0; i < sampled.size(); i++) {
      Sequence s = sampled.get(i);
      float[] row = java.util.Arrays.copyOfRange(all, i * vocab, (i + 1) * vocab);
      try {
        out.add(
            Sampler.sample(
                row, s.sampling, s.prompt, s.output, s.outputLength, s.random, s.constraint));
      } catch (RuntimeException e) {
        // A request's own constraint failed: only that request fails.
        out.add(null);
        samplingFailures.put(s, e);
      }
    }
    return out;
  }

  private void emit(Sequence s, Sampler.Choice choice, long now) {
    if (s.scoresPrompt() && !deliverPromptScores(s)) {
      return;
    }
    int token = choice.tokenId();
    s.append(token);
    generationTokens++;
    if (s.firstTokenNanos == 0) {
      s.firstTokenNanos = now;
    }
    FinishReason reason = null;
    Set<Integer> eos = generation.eosTokenIds();
    if (!s.sampling.ignoreEos() && eos.contains(token)) {
      reason = FinishReason.STOP;
    } else if (s.sampling.stopTokenIds().contains(token)) {
      reason = FinishReason.STOP;
    }
    try {
      if (s.constraint != null && s.constraint.accept(token)) {
        reason = FinishReason.STOP;
      }
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "Output constraint of " + s.id + " failed", e);
      fail(s, e);
      return;
    }
    String text = s.detokenizer.next(token);
    StopStringMatcher.Result matched = s.stopMatcher.accept(text);
    text = matched.text();
    if (matched.stopped()) {
      reason = FinishReason.STOP;
    } else if (reason == null
        && (s.outputLength >= s.sampling.maxTokens() || s.length() >= maxModelLen)) {
      reason = FinishReason.LENGTH;
    }
    if (reason != null && !matched.stopped()) {
      StopStringMatcher.Result tail = s.stopMatcher.accept(s.detokenizer.flush());
      text += tail.text() + (tail.stopped() ? "" : s.stopMatcher.flush());
    }
    try {
      s.listener.onToken(new TokenOutput(token, text, choice.logprob(), choice.top()));
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "Listener of " + s.id + " threw; aborting the request", e);
      finish(s, FinishReason.ABORT);
      return;
    }
    if (reason != null) {
      finish(s, reason);
    }
  }

  /**
   * Hands the listener the prompt's scores, once: a recompute after preemption skips them. False
   * when the listener threw (the request is then aborted).
   */
  private boolean deliverPromptScores(Sequence s) {
    s.promptScoresDelivered = true;
    try {
      s.listener.onPromptLogprobs(List.of(s.promptScores));
      return true;
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "Listener of " + s.id + " threw; aborting the request", e);
      finish(s, FinishReason.ABORT);
      return false;
    }
  }

  private void finish(Sequence s, FinishReason reason) {
    scheduler.remove(s);
    publishStats(); // before the listener hears of it, so stats already show the freed blocks
    RequestTimings timings =
        new RequestTimings(
            s.arrivedNanos,
            s.scheduledNanos,
            s.firstTokenNanos,
            System.nanoTime(),
            s.prompt.length,
            s.outputLength,
            s.cachedPromptTokens);
    try {
      s.listener.onFinish(reason, timings);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "Listener of " + s.id + " threw in onFinish", e);
    }
  }

  private void fail(Sequence s, Throwable error) {
    scheduler.remove(s);
    publishStats();
    try {
      s.listener.onError(error);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "Listener of " + s.id + " threw in onError", e);
    }
  }

  private void publishStats() {
    waitingInScheduler = scheduler.waitingCount();
    int total = allocator.total();
    int free = allocator.freeCount();
    stats =
        new EngineStats(
            scheduler.runningCount(),
            scheduler.waitingCount() + queued.get(),
            total == 0 ? 0 : (double) (total - free) / total,
            total,
            free,
            promptTokens,
            generationTokens,
            scheduler.preemptions,
            scheduler.prefixQueries,
            scheduler.prefixHits);
  }
}
