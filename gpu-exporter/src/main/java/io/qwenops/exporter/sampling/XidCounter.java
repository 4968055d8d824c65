package io.qwenops.exporter.sampling;

/** XID errors seen on one GPU since the exporter started: how many, and the last code. */
public final class XidCounter {

  /** A consistent pair; {@code last} is null until the first XID. */
  public record Snapshot(long count, Long last) {}

  private volatile Snapshot snapshot = new Snapshot(0, null);

  public synchronized void record(long code) {
    snapshot = new Snapshot(snapshot.count() + 1, code);
  }

  public Snapshot snapshot() {
    return snapshot;
  }
}
