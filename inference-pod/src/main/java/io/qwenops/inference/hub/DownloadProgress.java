package io.qwenops.inference.hub;

import java.util.concurrent.atomic.AtomicLong;

/**
 * How far a snapshot download is: bytes done of bytes needed, and the rate since it started.
 * Updated by the download threads, read by anyone (the terminal bar, {@code /health}).
 */
public final class DownloadProgress {

  private final AtomicLong done = new AtomicLong();
  private final AtomicLong fetched = new AtomicLong();
  private volatile long total = -1;
  private volatile long startNanos = System.nanoTime();
  private volatile String repo = "";

  /** A point-in-time reading; {@code bytesTotal} is -1 until the file list is known. */
  public record Snapshot(String repo, long bytesDone, long bytesTotal, double bytesPerSecond) {

    /** 0–100, or -1 while the total is unknown. */
    public double percent() {
      return bytesTotal <= 0 ? (bytesTotal == 0 ? 100 : -1) : 100.0 * bytesDone / bytesTotal;
    }

    /** E.g. "Downloading Qwen/Qwen2.5-0.5B-Instruct: 412 MB of 988 MB (41%), 35 MB/s, ETA 17 s". */
    public String text() {
      StringBuilder s = new StringBuilder("Downloading ").append(repo).append(": ");
      s.append(Bytes.human(bytesDone));
      if (bytesTotal >= 0) {
        s.append(" of ")
            .append(Bytes.human(bytesTotal))
            .append(String.format(java.util.Locale.ROOT, " (%.0f%%)", Math.floor(percent())));
      }
      if (bytesPerSecond > 0) {
        s.append(", ").append(Bytes.human((long) bytesPerSecond)).append("/s");
      }
      long eta = etaSeconds();
      if (eta >= 0 && bytesDone < bytesTotal) {
        s.append(", ETA ").append(eta < 120 ? eta + " s" : (eta / 60) + " min");
      }
      return s.toString();
    }

    /** Seconds left at the current rate, or -1 when not known. */
    public long etaSeconds() {
      if (bytesTotal < 0 || bytesPerSecond <= 0) {
        return -1;
      }
      return (long) Math.ceil((bytesTotal - bytesDone) / bytesPerSecond);
    }
  }

  void start(String repo, long totalBytes, long alreadyPresent) {
    this.repo = repo;
    this.total = totalBytes;
    this.done.set(alreadyPresent);
    this.startNanos = System.nanoTime();
  }

  /** Bytes written (negative when a file restarts from zero). */
  void add(long bytes) {
    done.addAndGet(bytes);
    if (bytes > 0) {
      fetched.addAndGet(bytes);
    }
  }

  /** Whether any byte came over the network (false when the cache had everything). */
  public boolean fetchedAny() {
    return fetched.get() > 0;
  }

  public Snapshot snapshot() {
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    double rate = seconds > 0.2 ? fetched.get() / seconds : 0;
    return new Snapshot(repo, done.get(), total, rate);
  }
}
