package io.qwenops.inference.api.generate;

import io.qwenops.inference.api.ApiException;
import io.qwenops.inference.api.ModelSlot;
import io.qwenops.inference.engine.EngineUnavailableException;
import io.qwenops.inference.engine.FinishReason;
import io.qwenops.inference.engine.GenerationListener;
import io.qwenops.inference.engine.GenerationRequest;
import io.qwenops.inference.engine.InferenceEngine;
import io.qwenops.inference.engine.PromptLogprob;
import io.qwenops.inference.engine.QueueFullException;
import io.qwenops.inference.engine.RequestTimings;
import io.qwenops.inference.engine.SamplingParams;
import io.qwenops.inference.engine.TokenConstraint;
import io.qwenops.inference.engine.TokenOutput;
import java.lang.System.Logger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The engine requests behind one API call (one per choice and prompt). The engine's step thread
 * only enqueues events; the HTTP handler's (virtual) thread takes them and writes the response, so
 * a slow client never stalls the batch.
 */
public final class Generation implements AutoCloseable {

  /**
   * One sequence to generate: the choice index it fills, its prompt, its sampling, whether its
   * prompt is scored (k alternatives, or null) and the grammar its output follows (or null).
   */
  public record Choice(
      int index,
      int[] promptTokenIds,
      SamplingParams sampling,
      Integer promptLogprobs,
      TokenConstraint constraint) {

    public Choice(int index, int[] promptTokenIds, SamplingParams sampling) {
      this(index, promptTokenIds, sampling, null, null);
    }
  }

  /**
   * Writes something harmless when nothing was written for {@link #KEEP_ALIVE_NANOS}, so that a
   * client that left is noticed (by a failed write, {@link ClientGoneException}) while its request
   * waits or runs.
   */
  public interface KeepAlive {
    void keepAlive();
  }

  /** How long the response may stay silent; a client that left is noticed within about two. */
  public static final long KEEP_ALIVE_NANOS = 300_000_000L;

  private static final long POLL_MILLIS = 100;

  private static final AtomicLong SEQUENCE = new AtomicLong();

  private static final Logger LOG = System.getLogger(Generation.class.getName());

  private final InferenceEngine engine;
  private final String requestId;
  private final List<String> engineIds = new ArrayList<>();
  private final LinkedBlockingQueue<GenerationEvent> events = new LinkedBlockingQueue<>();
  private final Set<Integer> ended = new HashSet<>();
  private int unfinished;

  private Generation(InferenceEngine engine, String requestId) {
    this.engine = engine;
    this.requestId = requestId;
  }

  /**
   * Submits every choice. If the engine refuses one, the others are aborted and the refusal is
   * turned into the API's answer (429 for a full queue, 400 for a prompt that does not fit, 503
   * when the engine has stopped).
   *
   * @param requestId the request's X-Request-Id: engine ids, log lines and error messages name it
   */
  public static Generation start(
      InferenceEngine engine, String requestId, List<Choice> choices, RequestMetrics metrics) {
    Generation g = new Generation(engine, requestId);
    // Clients may reuse an X-Request-Id; the engine needs ids unique across concurrent requests.
    String base = requestId + "-" + SEQUENCE.incrementAndGet();
    for (Choice c : choices) {
      String id = choices.size() == 1 ? base : base + "-" + c.index();
      try {
        engine.submit(
            new GenerationRequest(
                id, c.promptTokenIds(), c.sampling(), c.promptLogprobs(), c.constraint()),
            g.listener(c.index(), metrics));
      } catch (QueueFullException e) {
        g.abort();
        throw ApiException.busy(e.getMessage(), 1);
      } catch (IllegalArgumentException e) {
        g.abort();
        throw ApiException.invalid(e.getMessage(), null);
      } catch (EngineUnavailableException e) {
        g.abort();
        throw ApiException.unavailable(ModelSlot.ENGINE_STOPPED);
      }
      g.engineIds.add(id);
      g.unfinished++;
    }
    return g;
  }

  /**
   * The next event, or null after every choice has ended. Each choice ends once: a second end event
   * for it (an engine that reports an error and then a finish) is skipped.
   */
  public GenerationEvent next() throws InterruptedException {
    return next(() -> {});
  }

  /**
   * As {@link #next()}, calling {@code keepAlive} at least every {@value #POLL_MILLIS} ms while it
   * waits (and once per event).
   *
   * @throws ClientGoneException from {@code keepAlive} when the client left
   */
  public GenerationEvent next(KeepAlive keepAlive) throws InterruptedException {
    while (unfinished > 0) {
      keepAlive.keepAlive();
      GenerationEvent e = events.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
      if (e == null) {
        continue;
      }
      if (e instanceof GenerationEvent.Token || e instanceof GenerationEvent.PromptScores) {
        if (!ended.contains(e.index())) {
          return e;
        }
      } else if (ended.add(e.index())) {
        unfinished--;
        return e;
      }
    }
    return null;
  }

  /**
   * What the client is told about an engine failure: 503 when the engine has stopped, else a
   * generic 500 naming the request id. The failure itself is logged here under that id (native
   * error text and paths must not reach clients).
   */
  public ApiException failure(GenerationEvent.Failed failed) {
    if (failed.error() instanceof EngineUnavailableException) {
      return ApiException.unavailable(ModelSlot.ENGINE_STOPPED);
    }
    LOG.log(
        Logger.Level.ERROR,
        "Generation failed in the engine, choice " + failed.index() + " request_id=" + requestId,
        failed.error());
    return ApiException.internal(requestId);
  }

  /** Frees the engine's work for every choice still running (client gone, or an error). */
  public void abort() {
    for (String id : engineIds) {
      engine.abort(id);
    }
  }

  @Override
  public void close() {
    if (unfinished > 0) {
      abort();
    }
  }

  private GenerationListener listener(int index, RequestMetrics metrics) {
    return new GenerationListener() {
      private long lastTokenNanos;

      @Override
      public void onPromptLogprobs(List<PromptLogprob> scores) {
        events.add(new GenerationEvent.PromptScores(index, scores));
      }

      @Override
      public void onToken(TokenOutput token) {
        long now = System.nanoTime();
        if (lastTokenNanos != 0) {
          metrics.interTokenGap((now - lastTokenNanos) / 1e9);
        }
        lastTokenNanos = now;
        events.add(new GenerationEvent.Token(index, token));
      }

      @Override
      public void onFinish(FinishReason reason, RequestTimings timings) {
        metrics.finished(reason, timings);
        events.add(new GenerationEvent.Finished(index, reason, timings));
      }

      @Override
      public void onError(Throwable error) {
        events.add(new GenerationEvent.Failed(index, error));
      }
    };
  }
}
