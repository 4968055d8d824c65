package io.qwenops.exporter.sampling;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A fixed-size ring of the most recent samples; the oldest is overwritten. */
public final class SampleHistory {

  private final Sample[] ring;
  private int next;
  private int size;

  public SampleHistory(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("history needs room for at least one sample");
    }
    this.ring = new Sample[capacity];
  }

  public int capacity() {
    return ring.length;
  }

  public synchronized void add(Sample sample) {
    ring[next] = sample;
    next = (next + 1) % ring.length;
    size = Math.min(size + 1, ring.length);
  }

  public synchronized Optional<Sample> latest() {
    return size == 0 ? Optional.empty() : Optional.of(ring[(next - 1 + ring.length) % ring.length]);
  }

  /** Samples no older than {@code millis} before the latest one, oldest first. */
  public synchronized List<Sample> lastMillis(long millis) {
    List<Sample> out = new ArrayList<>();
    if (size == 0) {
      return out;
    }
    long newest = ring[(next - 1 + ring.length) % ring.length].monoMs();
    for (int i = 0; i < size; i++) {
      Sample s = ring[(next - size + i + ring.length) % ring.length];
      if (newest - s.monoMs() <= millis) {
        out.add(s);
      }
    }
    return out;
  }
}
