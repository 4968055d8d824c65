package io.qwenops.inference.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Decides each step's work (iteration-level batching). Running sequences go first, oldest first,
 * each asking for all its uncomputed tokens (1 for a decode, a chunk for a prefill) within the
 * token budget; then waiting sequences join while there is room in {@code maxNumSeqs}, the budget
 * and the KV pool. When a running sequence needs a block and none is free, the newest running
 * sequence is preempted: its blocks are freed and it goes back to the front of the queue, to be
 * recomputed later (its output so far is kept).
 */
final class ContinuousBatchScheduler {

  /** One sequence's share of a step. */
  record Work(Sequence sequence, int tokens) {}

  private final KvBlockAllocator allocator;
  private final int blockSize;
  private final int maxNumSeqs;
  private final int maxNumBatchedTokens;
  private final boolean prefixCaching;
  private final Deque<Sequence> waiting = new ArrayDeque<>();
  private final List<Sequence> running = new ArrayList<>();
  long preemptions;

  /** Tokens looked up in the prefix cache at admission, and tokens found (vLLM's units). */
  long prefixQueries;

  long prefixHits;

  ContinuousBatchScheduler(
      KvBlockAllocator allocator,
      int blockSize,
      int maxNumSeqs,
      int maxNumBatchedTokens,
      boolean prefixCaching) {
    this.allocator = allocator;
    this.blockSize = blockSize;
    this.maxNumSeqs = maxNumSeqs;
    this.maxNumBatchedTokens = maxNumBatchedTokens;
    this.prefixCaching = prefixCaching;
  }

  void add(Sequence s) {
    waiting.addLast(s);
  }

  int waitingCount() {
    return waiting.size();
  }

  int runningCount() {
    return running.size();
  }

  boolean idle() {
    return waiting.isEmpty() && running.isEmpty();
  }

  List<Work> schedule() {
    List<Work> work = new ArrayList<>();
    int budget = maxNumBatchedTokens;
    boolean preempted = false;
    for (int i = 0; i < running.size() && budget > 0; i++) {
      Sequence s = running.get(i);
      int n = Math.min(s.length() - s.computed, budget);
      while (!ensureBlocks(s, s.computed + n)) {
        Sequence victim = running.get(running.size() - 1);
        preempt(victim);
        preempted = true;
        if (victim == s) {
          break;
        }
      }
      if (!running.contains(s)) {
        break; // s itself was preempted: everything after it is gone too
      }
      work.add(new Work(s, n));
      budget -= n;
    }
    while (!preempted && budget > 0 && running.size() < maxNumSeqs && !waiting.isEmpty()) {
      Sequence s = waiting.peekFirst();
      reuseCachedPrefix(s);
      int n = Math.min(s.length() - s.computed, budget);
      if (!ensureBlocks(s, s.computed + n)) {
        // The pool is full: it waits, holding nothing (held blocks could starve everyone).
        freeBlocks(s);
        s.prefixLookedUp = false;
        break;
      }
      if (prefixCaching && s.prefixLookedUp) {
        prefixQueries += s.length();
        prefixHits += s.computed;
      }
      waiting.pollFirst();
      running.add(s);
      work.add(new Work(s, n));
      budget -= n;
    }
    return work;
  }

  /** Removes a finished or aborted sequence wherever it is and frees its blocks. */
  void remove(Sequence s) {
    running.remove(s);
    waiting.remove(s);
    freeBlocks(s);
  }

  Sequence find(String id) {
    for (Sequence s : running) {
      if (s.id.equals(id)) {
        return s;
      }
    }
    for (Sequence s : waiting) {
      if (s.id.equals(id)) {
        return s;
      }
    }
    return null;
  }

  List<Sequence> all() {
    List<Sequence> all = new ArrayList<>(running);
    all.addAll(waiting);
    return all;
  }

  /**
   * What a failure outside a sequence's own work may have left half done: every running sequence
   * and every waiting one that holds blocks (caught between lookup and admission).
   */
  List<Sequence> inFlight() {
    List<Sequence> out = new ArrayList<>(running);
    for (Sequence s : waiting) {
      if (!s.blocks.isEmpty()) {
        out.add(s);
      }
    }
    return out;
  }

  /** After a step computed {@code tokens} more of s: registers the blocks that became full. */
  void computed(Sequence s, int tokens) {
    s.computed += tokens;
    if (!prefixCaching) {
      return;
    }
    int full = s.computed / blockSize;
    if (full > s.hashedBlocks) {
      int[] all = s.allTokens();
      while (s.hashedBlocks < full) {
        s.lastHashed =
            allocator.register(
                s.blocks.get(s.hashedBlocks),
                s.lastHashed,
                all,
                s.hashedBlocks * blockSize,
                blockSize);
        s.hashedBlocks++;
      }
    }
  }

  private void reuseCachedPrefix(Sequence s) {
    if (!prefixCaching || s.prefixLookedUp || s.scoresPrompt()) {
      // A request that scores its prompt needs logits at every prompt position: computed, not
      // taken from the cache (as vLLM does).
      return;
    }
    s.prefixLookedUp = true;
    int[] all = s.allTokens();
    // At least the last token must be computed, to get logits for the next one.
    int reusable = (all.length - 1) / blockSize;
    PrefixCache.Entry parent = null;
    for (int b = 0; b < reusable; b++) {
      PrefixCache.Entry hit = allocator.lookup(parent, all, b * blockSize, blockSize);
      if (hit == null) {
        break;
      }
      allocator.share(hit.block);
      s.blocks.add(hit.block);
      s.hashedBlocks = b + 1;
      s.lastHashed = hit;
      parent = hit;
    }
    s.computed = s.blocks.size() * blockSize;
    if (s.outputLength == 0) {
      s.cachedPromptTokens = s.computed;
    }
  }

  private boolean ensureBlocks(Sequence s, int tokens) {
    int needed = (tokens + blockSize - 1) / blockSize - s.blocks.size();
    if (needed <= 0) {
      return true;
    }
    if (allocator.freeCount() < needed) {
      return false;
    }
    for (int i = 0; i < needed; i++) {
      s.blocks.add(allocator.allocate());
    }
    return true;
  }

  private void preempt(Sequence s) {
    running.remove(s);
    freeBlocks(s);
    s.prefixLookedUp = false;
    waiting.addFirst(s);
    preemptions++;
  }

  private void freeBlocks(Sequence s) {
    // Tail first, so the LRU evicts a prompt's end before its shareable beginning.
    for (int i = s.blocks.size() - 1; i >= 0; i--) {
      allocator.release(s.blocks.get(i));
    }
    s.blocks.clear();
    s.computed = 0;
    s.hashedBlocks = 0;
    s.lastHashed = null;
  }
}
