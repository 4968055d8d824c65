package io.qwenops.inference.batch;

import io.qwenops.inference.engine.FinishReason;
import io.qwenops.inference.engine.GenerationListener;
import io.qwenops.inference.engine.GenerationRequest;
import io.qwenops.inference.engine.InferenceEngine;
import io.qwenops.inference.engine.QueueFullException;
import io.qwenops.inference.engine.RequestTimings;
import io.qwenops.inference.engine.TokenOutput;
import io.qwenops.inference.progress.ProgressTicker;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs every line of a JSONL file through the engine's continuous batching, with no server: lines
 * are submitted as the engine has room (a bounded number in flight, so the waiting queue never
 * overflows and memory stays flat for any file size), and each result is written the moment its
 * request finishes.
 */
public final class BatchRunner {

  private final InferenceEngine engine;
  private final BatchLineParser parser;
  private final int maxInFlight;
  private final PrintStream log;

  BatchRunner(InferenceEngine engine, BatchLineParser parser, int maxInFlight, PrintStream log) {
    this.engine = engine;
    this.parser = parser;
    this.maxInFlight = maxInFlight;
    this.log = log;
  }

  public BatchSummary run(Path input, Path output, boolean terminal) throws IOException {
    int totalLines = countLines(input);
    try (ResultFile results = ResultFile.open(output)) {
      Set<Integer> done = results.done();
      Tally tally = new Tally();
      Semaphore room = new Semaphore(maxInFlight);
      long start = System.nanoTime();
      int toRun = Math.max(0, totalLines - done.size());
      try (ProgressTicker ticker =
          ProgressTicker.start(
              log, terminal, Duration.ofSeconds(10), () -> tally.reading(toRun, start))) {
        try (BufferedReader in = Files.newBufferedReader(input, StandardCharsets.UTF_8)) {
          String text;
          int line = 0;
          while ((text = in.readLine()) != null) {
            line++;
            if (text.isBlank()) {
              continue;
            }
            if (done.contains(line)) {
              tally.skipped.incrementAndGet();
              continue;
            }
            BatchItem item;
            try {
              item = parser.parse(line, text);
            } catch (BadLine bad) {
              tally.bad.incrementAndGet();
              log.println((terminal ? "\r\033[2K" : "") + "skipped " + bad.getMessage());
              continue;
            }
            room.acquireUninterruptibly();
            submit(item, results, tally, room);
          }
        }
        room.acquireUninterruptibly(maxInFlight);
        ticker.finish();
      }
      if (tally.writeError.get() != null) {
        throw new IOException("Writing " + output + " failed", tally.writeError.get());
      }
      return new BatchSummary(
          tally.completed.get(),
          tally.failed.get(),
          tally.bad.get(),
          tally.skipped.get(),
          tally.promptTokens.get(),
          tally.generatedTokens.get(),
          (System.nanoTime() - start) / 1e9);
    }
  }

  private void submit(BatchItem item, ResultFile results, Tally tally, Semaphore room) {
    StringBuilder text = new StringBuilder();
    GenerationListener listener =
        new GenerationListener() {
          @Override
          public void onToken(TokenOutput token) {
            text.append(token.text());
          }

          @Override
          public void onFinish(FinishReason reason, RequestTimings t) {
            try {
              Map<String, Object> result = new LinkedHashMap<>();
              result.put("line", item.line());
              result.put("id", item.id());
              result.put("text", text.toString());
              result.put("finish_reason", reason.openAiName());
              result.put("prompt_tokens", t.promptTokens());
              result.put("completion_tokens", t.generatedTokens());
              result.put(
                  "ttft_s",
                  t.firstTokenNanos() == 0
                      ? null
                      : seconds(t.firstTokenNanos() - t.arrivedNanos()));
              result.put("total_s", seconds(t.finishedNanos() - t.arrivedNanos()));
              results.write(result);
              tally.completed.incrementAndGet();
              tally.promptTokens.addAndGet(t.promptTokens());
              tally.generatedTokens.addAndGet(t.generatedTokens());
            } catch (IOException e) {
              // On the step thread: keep the engine going, fail the run once the batch drains.
              tally.writeError.compareAndSet(null, e);
            } finally {
              room.release();
            }
          }

          @Override
          public void onError(Throwable error) {
            tally.failed.incrementAndGet();
            log.println("line " + item.line() + " failed in the engine: " + error.getMessage());
            room.release();
          }
        };
    while (true) {
      try {
        engine.submit(
            new GenerationRequest("batch-" + item.line(), item.promptTokenIds(), item.sampling()),
            listener);
        return;
      } catch (QueueFullException e) {
        // Only when --max-waiting is below the in-flight bound: wait for room and try again.
        sleep(10);
      }
    }
  }

  private static double seconds(long nanos) {
    return Math.round(nanos / 1e6) / 1e3;
  }

  private static int countLines(Path input) throws IOException {
    try (var lines = Files.lines(input, StandardCharsets.UTF_8)) {
      return (int) lines.filter(l -> !l.isBlank()).count();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Counters the step thread and the reader share. */
  private static final class Tally {
    final AtomicInteger completed = new AtomicInteger();
    final AtomicInteger failed = new AtomicInteger();
    final AtomicInteger bad = new AtomicInteger();
    final AtomicInteger skipped = new AtomicInteger();
    final AtomicLong promptTokens = new AtomicLong();
    final AtomicLong generatedTokens = new AtomicLong();
    final java.util.concurrent.atomic.AtomicReference<IOException> writeError =
        new java.util.concurrent.atomic.AtomicReference<>();

    ProgressTicker.Reading reading(int toRun, long startNanos) {
      int finished = completed.get() + failed.get() + bad.get();
      double s = Math.max(1e-9, (System.nanoTime() - startNanos) / 1e9);
      return new ProgressTicker.Reading(
          toRun == 0 ? 1 : (double) finished / toRun,
          String.format(
              Locale.ROOT,
              "%d/%d requests, %.1f generated tokens/s",
              finished,
              toRun,
              generatedTokens.get() / s));
    }
  }
}
