package io.qwenops.inference.model.matvec;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs a row range on the calling thread together with one helper thread per other core. A decode
 * step makes about a hundred small calls, so helpers hand off by spinning for a moment before they
 * park (a park/unpark round trip costs tens of microseconds; a projection can take less than one
 * hundred). Rows are taken in chunks from a shared counter, so a thread the OS delays does not hold
 * the others up.
 *
 * <p>One process-wide instance: several models in one JVM (tests, benchmarks) share the helpers. A
 * caller that finds them busy runs its rows alone rather than wait.
 */
final class RowSplitter {

  /** A range of rows {@code [from, to)} to compute. */
  interface RowTask {
    void run(int from, int to);
  }

  /** How long an idle helper spins before it parks: longer than the gap between projections. */
  private static final long SPIN_NANOS = 200_000;

  /** Fewest rows one chunk takes: below it the hand-off costs more than the rows. */
  private static final int MIN_CHUNK = 16;

  /** Set as the next row when a thread fails, so the others stop taking rows. */
  private static final int STOP = Integer.MAX_VALUE / 2;

  private static final RowSplitter SHARED =
      new RowSplitter(Runtime.getRuntime().availableProcessors() - 1);

  private final ReentrantLock owner = new ReentrantLock();
  private final Thread[] helpers;
  private final AtomicInteger nextRow = new AtomicInteger();
  private final AtomicInteger unfinished = new AtomicInteger();
  private volatile long generation;
  private volatile RowTask task;
  private volatile int rows;
  private volatile int chunk;
  private volatile Throwable failure;

  static RowSplitter shared() {
    return SHARED;
  }

  RowSplitter(int helperCount) {
    helpers = new Thread[Math.max(0, helperCount)];
    for (int i = 0; i < helpers.length; i++) {
      helpers[i] =
          Thread.ofPlatform()
              .daemon()
              .name("qwenops-matvec-" + (i + 1))
              .unstarted(this::helperLoop);
      helpers[i].start();
    }
  }

  /** Threads that take part in a call, the caller included. */
  int parallelism() {
    return helpers.length + 1;
  }

  /** Computes rows {@code [0, rows)}; returns when all are done, rethrowing any failure. */
  void run(int rows, RowTask work) {
    run(rows, MIN_CHUNK, work);
  }

  /**
   * Computes items {@code [0, items)} in chunks of at least {@code minChunk}: 1 for work items as
   * large as an attention head group, {@link #MIN_CHUNK} for matrix rows.
   */
  void run(int items, int minChunk, RowTask work) {
    if (helpers.length == 0 || items < 2 * minChunk || !owner.tryLock()) {
      work.run(0, items);
      return;
    }
    try {
      this.task = work;
      this.rows = items;
      this.chunk = Math.max(minChunk, items / (8 * parallelism()));
      this.failure = null;
      nextRow.set(0);
      unfinished.set(helpers.length);
      generation++; // publishes the fields above to the helpers
      for (Thread helper : helpers) {
        LockSupport.unpark(helper);
      }
      try {
        drain(work);
      } catch (RuntimeException | Error e) {
        nextRow.set(STOP);
        throw e;
      } finally {
        while (unfinished.get() != 0) { // never leave helpers working on a finished call
          Thread.onSpinWait();
        }
      }
      Throwable failed = failure;
      if (failed != null) {
        throw new IllegalStateException("A matrix-vector helper thread failed", failed);
      }
    } finally {
      task = null;
      owner.unlock();
    }
  }

  private void drain(RowTask work) {
    int total = rows;
    int size = chunk;
    for (int from = nextRow.getAndAdd(size); from < total; from = nextRow.getAndAdd(size)) {
      work.run(from, Math.min(total, from + size));
    }
  }

  private void helperLoop() {
    long seen = 0;
    while (true) {
      long current = generation;
      if (current == seen) {
        idle(seen);
        continue;
      }
      seen = current;
      try {
        drain(task);
      } catch (Throwable t) {
        failure = t;
        nextRow.set(STOP);
      } finally {
        unfinished.decrementAndGet();
      }
    }
  }

  /** Spins while a new call is likely soon, then parks until {@link #run} unparks us. */
  private void idle(long seen) {
    long until = System.nanoTime() + SPIN_NANOS;
    while (generation == seen) {
      if (System.nanoTime() < until) {
        Thread.onSpinWait();
      } else {
        LockSupport.park(this);
      }
    }
  }
}
