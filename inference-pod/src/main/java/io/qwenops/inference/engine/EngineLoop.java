package io.qwenops.inference.engine;

import ai.djl.ndarray.NDManager;
import io.qwenops.inference.model.GenerationConfig;
import io.qwenops.inference.model.PagedKvCache;
import io.qwenops.inference.model.Qwen2Model;
import io.qwenops.inference.model.QwenTokenizer;
import io.qwenops.inference.model.StepLogits;
import java.util.ArrayList;
import java.util.List;
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
 *
 * <p>Failures: an exception in a step fails that step's requests (their blocks freed, the step's
 * arrays closed) and the loop goes on; one in a single sequence's stop check or retirement fails
 * that sequence alone. An {@link Error} (OutOfMemoryError and the like: the JVM may be unsafe),
 * {@value #MAX_FAILED_STEPS} failed steps in a row (a device in a broken state fails every step) or
 * a failure while handling a failure stops the loop for good: every request still waiting gets
 * {@link EngineUnavailableException} at once, new ones are refused with it, and {@link #healthy()}
 * turns false so that liveness fails and Kubernetes restarts the pod.
 */
public final class EngineLoop implements InferenceEngine {

  private static final Logger LOG = Logger.getLogger(EngineLoop.class.getName());

  /** Steps failing one after another before the engine stops (a successful step resets it). */
  static final int MAX_FAILED_STEPS = 3;

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
  private final StepHook hook;
  private final Thread thread;
  private volatile boolean closed;
  private volatile EngineStats stats;

  /** Why the loop stopped for good; null while it runs. */
  private volatile Throwable stopped;

  /** Made up front: telling clients the engine stopped must not need memory an OOM took. */
  private final EngineUnavailableException unavailable = new EngineUnavailableException();

  private int failedSteps;

  /** The scheduler's queue length as of the last publish (read by submitting threads). */
  private volatile int waitingInScheduler;

  private long promptTokens;
  private long generationTokens;

  public EngineLoop(
      Qwen2Model model,
      PagedKvCache cache,
      QwenTokenizer tokenizer,
      GenerationConfig generation,
      EngineOptions options,
      int maxModelLen) {
    this(
        model,
        cache,
        tokenizer,
        generation,
        options,
        maxModelLen,
        StepHook.NONE,
        new Sha256BlockHasher());
  }

  /** As the public constructor, with a hook at each step phase and the prefix cache's hasher. */
  EngineLoop(
      Qwen2Model model,
      PagedKvCache cache,
      QwenTokenizer tokenizer,
      GenerationConfig generation,
      EngineOptions options,
      int maxModelLen,
      StepHook hook,
      BlockHasher hasher) {
    this.model = model;
    this.cache = cache;
    this.tokenizer = tokenizer;
    this.generation = generation;
    this.options = options;
    this.maxModelLen = maxModelLen;
    this.hook = hook;
    this.allocator = new KvBlockAllocator(cache.numBlocks(), hasher);
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
    if (closed || stopped != null) {
      throw unavailable;
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
    if (closed || stopped != null) {
      // The loop ended while this was queued and may never drain it: answer it here.
      failQueued();
    }
  }

  @Override
  public void abort(String requestId) {
    commands.add(new Abort(requestId));
  }

  @Override
  public EngineStats stats() {
    return stats;
  }

  /** False once the step loop has stopped (or the engine is closed). */
  @Override
  public boolean healthy() {
    return stopped == null && !closed && thread.isAlive();
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
      while (!closed && stopped == null) {
        try {
          iterate();
        } catch (RuntimeException | StackOverflowError e) {
          // Outside a step's own handling (commands, stats): the state of anything in flight is
          // unknown, so it all fails.
          failStep(scheduler.inFlight(), e);
        }
      }
    } catch (Throwable fatal) {
      // An Error, an interrupt, or a failure while failing requests: nothing can be trusted.
      stop(fatal);
    } finally {
      try {
        if (stopped == null) {
          abortAll();
        }
        publishStats();
      } finally {
        manager.close();
      }
    }
  }

  private void iterate() throws InterruptedException {
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

  /** Shutdown: whatever is queued or running ends with ABORT. */
  private void abortAll() {
    for (Command c; (c = commands.poll()) != null; ) {
      if (c instanceof Submit submit) {
        queued.decrementAndGet();
        scheduler.add(submit.sequence());
      }
    }
    for (Sequence s : scheduler.all()) {
      finish(s, FinishReason.ABORT);
    }
  }

  /**
   * Fails a step's requests and counts the failure; too many in a row stop the engine (by throwing
   * out of the loop).
   */
  private void failStep(List<Sequence> sequences, Throwable error) {
    LOG.log(
        Level.SEVERE,
        "Engine step failed; failing its requests " + sequences.stream().map(q -> q.id).toList(),
        error);
    IllegalStateException last =
        ++failedSteps >= MAX_FAILED_STEPS
            ? new IllegalStateException(failedSteps + " engine steps failed in a row", error)
            : null;
    if (last != null) {
      stopped = last; // before the clients hear: one that checks health at once must see it
    }
    for (Sequence s : sequences) {
      fail(s, error);
    }
    if (last != null) {
      throw last;
    }
  }

  /**
   * Ends the loop for good: the reason first (so {@link #submit} refuses from now on and drains
   * what raced with this), then every request still here hears at once that the engine is gone.
   * Each part is best effort: after an OutOfMemoryError any of them may fail again.
   */
  private void stop(Throwable cause) {
    stopped = cause;
    try {
      LOG.log(
          Level.SEVERE,
          "The engine's step loop stopped; the server reports itself unhealthy",
          cause);
    } catch (Throwable ignored) {
      // Logging can need memory that is not there; the state change above is what matters.
    }
    try {
      for (Sequence s : scheduler.all()) {
        try {
          scheduler.remove(s);
        } catch (Throwable ignored) {
          // The bookkeeping may be what broke; the client must hear of it all the same.
        }
        tell(s.listener, unavailable);
      }
    } catch (Throwable ignored) {
      // Nothing more can be done for these; the pod is about to be restarted.
    }
    failQueued();
  }

  /** Answers every submission still in the command queue (the loop is gone). Any thread. */
  private void failQueued() {
    for (Command c; (c = commands.poll()) != null; ) {
      if (c instanceof Submit submit) {
        queued.decrementAndGet();
        tell(submit.sequence().listener, unavailable);
      }
    }
  }

  private static void tell(GenerationListener listener, Throwable error) {
    try {
      listener.onError(error);
    } catch (Throwable ignored) {
      // A listener that cannot even take its error has nobody left to tell.
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
    List<ContinuousBatchScheduler.Work> work;
    try {
      hook.before(StepPhase.SCHEDULE);
      work = scheduler.schedule();
    } catch (RuntimeException | StackOverflowError e) {
      failStep(scheduler.inFlight(), e);
      return;
    }
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
    List<StepSampler.Outcome> outcomes;
    try (NDManager step = manager.newSubManager()) {
      hook.before(StepPhase.FORWARD);
      BatchBuilder.Built built = BatchBuilder.build(ordered, cache.blockSize());
      StepLogits logits = model.logits(built.batch(), cache, step);
      for (ContinuousBatchScheduler.Work w : ordered) {
        scheduler.computed(w.sequence(), w.tokens());
      }
      if (!built.promptRows().isEmpty()) {
        PromptScorer.score(logits.tensor(step), built.promptRows());
        logits = logits.select(built.sampleRows(), step);
      }
      hook.before(StepPhase.SAMPLE);
      outcomes =
          sampled.isEmpty()
              ? List.of()
              : StepSampler.sample(
                  logits, sampled, options.logprobsMode(), generation.eosTokenIds());
    } catch (RuntimeException | StackOverflowError e) {
      failStep(ordered.stream().map(ContinuousBatchScheduler.Work::sequence).toList(), e);
      return;
    }
    failedSteps = 0;
    long tokenTime = System.nanoTime();
    for (int i = 0; i < sampled.size(); i++) {
      Sequence s = sampled.get(i);
      StepSampler.Outcome outcome = outcomes.get(i);
      if (outcome.failure() != null) {
        LOG.log(Level.WARNING, "Sampling for " + s.id + " failed", outcome.failure());
        fail(s, outcome.failure());
        continue;
      }
      try {
        emit(s, outcome.choice(), tokenTime);
      } catch (RuntimeException | StackOverflowError e) {
        // This sequence's own state (constraint, detokenizer, stop strings) broke: it alone fails.
        LOG.log(Level.WARNING, "Checking the new token of " + s.id + " failed", e);
        fail(s, e);
      }
    }
  }

  private void emit(Sequence s, Sampler.Choice choice, long now) {
    if (s.scoresPrompt() && !deliverPromptScores(s)) {
      return;
    }
    hook.before(StepPhase.STOP_CHECK);
    int token = choice.tokenId();
    s.append(token);
    generationTokens++;
    if (s.firstTokenNanos == 0) {
      s.firstTokenNanos = now;
    }
    StopCheck.Result checked = StopCheck.after(s, token, generation.eosTokenIds(), maxModelLen);
    try {
      s.listener.onToken(new TokenOutput(token, checked.text(), choice.logprob(), choice.top()));
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "Listener of " + s.id + " threw; aborting the request", e);
      finish(s, FinishReason.ABORT);
      return;
    }
    if (checked.reason() != null) {
      finish(s, checked.reason());
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
    try {
      hook.before(StepPhase.FINISH);
      scheduler.remove(s);
      publishStats(); // before the listener hears of it, so stats already show the freed blocks
    } catch (RuntimeException | StackOverflowError e) {
      LOG.log(Level.WARNING, "Retiring " + s.id + " failed", e);
      fail(s, e);
      return;
    }
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
