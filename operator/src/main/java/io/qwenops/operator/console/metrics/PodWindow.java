package io.qwenops.operator.console.metrics;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * One pod's recent scrapes: enough to cover the window plus the baseline just before it. Rates come
 * from the last two scrapes; windowed counts from the sum of scrape-to-scrape deltas, so a restart
 * inside the window loses nothing counted after it.
 */
public final class PodWindow {

  private final long windowMs;
  private final ArrayDeque<EngineSnapshot> snapshots = new ArrayDeque<>();

  public PodWindow(long windowMs) {
    this.windowMs = windowMs;
  }

  public synchronized void add(EngineSnapshot snapshot) {
    snapshots.addLast(snapshot);
    // Keep the newest snapshot at or before the window's start as the baseline.
    long start = snapshot.atMs() - windowMs;
    while (snapshots.size() > 2) {
      Iterator<EngineSnapshot> it = snapshots.iterator();
      it.next();
      if (it.next().atMs() <= start) {
        snapshots.removeFirst();
      } else {
        break;
      }
    }
  }

  public synchronized List<EngineSnapshot> snapshots() {
    return new ArrayList<>(snapshots);
  }

  public synchronized EngineSnapshot latest() {
    return snapshots.peekLast();
  }

  /** Per second between the last two scrapes; a counter that went down restarted at 0. */
  public synchronized Double rate(String counter) {
    if (snapshots.size() < 2) {
      return null;
    }
    List<EngineSnapshot> list = new ArrayList<>(snapshots);
    EngineSnapshot previous = list.get(list.size() - 2);
    EngineSnapshot last = list.get(list.size() - 1);
    Double delta = delta(previous.counters().get(counter), last.counters().get(counter));
    double seconds = (last.atMs() - previous.atMs()) / 1000.0;
    return delta == null || seconds <= 0 ? null : delta / seconds;
  }

  /** Counted over the window; null when the pod has not exposed it twice yet. */
  public synchronized Double windowDelta(String counter) {
    Double total = null;
    EngineSnapshot previous = null;
    for (EngineSnapshot s : snapshots) {
      if (previous != null) {
        Double d = delta(previous.counters().get(counter), s.counters().get(counter));
        if (d != null) {
          total = total == null ? d : total + d;
        }
      }
      previous = s;
    }
    return total;
  }

  /** Observations over the window (sum of deltas), empty before two scrapes. */
  public synchronized Histogram windowHistogram(String name) {
    Histogram total = Histogram.EMPTY;
    EngineSnapshot previous = null;
    for (EngineSnapshot s : snapshots) {
      Histogram now = s.histograms().get(name);
      if (previous != null && now != null) {
        Histogram before = previous.histograms().getOrDefault(name, Histogram.EMPTY);
        total = total.plus(now.since(before));
      }
      previous = s;
    }
    return total;
  }

  static Double delta(Double before, Double after) {
    if (after == null) {
      return null;
    }
    if (before == null) {
      return null;
    }
    return after < before ? after : after - before;
  }
}
