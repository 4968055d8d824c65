package io.qwenops.inference.hub;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.lang.System.Logger;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Downloads one file of a commit into its blob: into {@code blobs/{etag}.incomplete} first,
 * continuing what is already there with a Range request (after a reset, or a restart of the whole
 * process), retried with doubling waits on 5xx and broken connections, then checked against the
 * size and LFS sha256 the Hub listed before it takes the blob's name.
 */
final class FileFetcher {

  private static final Logger LOG = System.getLogger(FileFetcher.class.getName());

  private final HubClient client;
  private final HubCache cache;
  private final HubSettings settings;
  private final DownloadProgress progress;

  FileFetcher(HubClient client, HubCache cache, HubSettings settings, DownloadProgress progress) {
    this.client = client;
    this.cache = cache;
    this.settings = settings;
    this.progress = progress;
  }

  /** The finished, verified blob. */
  Path fetch(HubRef ref, String commit, RepoFile file) throws IOException {
    Path blob = cache.blob(ref, file);
    if (Files.isRegularFile(blob) && (file.size() < 0 || Files.size(blob) == file.size())) {
      return blob;
    }
    Files.createDirectories(blob.getParent());
    Path part = blob.resolveSibling(blob.getFileName() + ".incomplete");
    int failures = 0;
    boolean complete = false;
    while (!complete) {
      long before = Files.exists(part) ? Files.size(part) : 0;
      try {
        complete = transfer(ref, commit, file, part);
      } catch (HubException e) {
        if (!e.retryable()) {
          throw e;
        }
        failures = retryOrFail(ref, file, part, before, failures, e);
      } catch (IOException e) {
        if (DiskFull.is(e)) {
          throw DiskFull.error(part, e);
        }
        failures = retryOrFail(ref, file, part, before, failures, e);
      }
    }
    verify(ref, file, part);
    Files.move(part, blob, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return blob;
  }

  /**
   * One request, from what {@code part} holds on.
   *
   * @return true when the file is complete
   */
  private boolean transfer(HubRef ref, String commit, RepoFile file, Path part) throws IOException {
    long have = Files.exists(part) ? Files.size(part) : 0;
    if (file.size() >= 0 && have > file.size()) {
      Files.delete(part);
      progress.add(-have);
      have = 0;
    }
    if (file.size() >= 0 && have == file.size()) {
      return true;
    }
    HttpResponse<InputStream> res = client.file(ref, commit, file.name(), have);
    boolean append = have > 0 && res.statusCode() == 206;
    if (have > 0 && !append) {
      // The server ignored the range and sends the whole file: start over.
      progress.add(-have);
    }
    try (InputStream in = res.body();
        OutputStream out =
            Files.newOutputStream(
                part,
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE,
                append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
      byte[] buffer = new byte[1 << 16];
      int n;
      try (StallWatch watch = new StallWatch(in, settings.stallTimeout())) {
        while ((n = readOrStall(in, buffer, watch)) > 0) {
          out.write(buffer, 0, n);
          progress.add(n);
          watch.progressed();
        }
      }
    }
    long size = Files.size(part);
    if (file.size() >= 0 && size < file.size()) {
      throw new IOException(
          "connection ended after " + size + " of " + file.size() + " bytes of " + file.name());
    }
    return true;
  }

  /** One read; a body the watch closed for sending nothing is a broken connection, retried. */
  private int readOrStall(InputStream in, byte[] buffer, StallWatch watch) throws IOException {
    int n;
    try {
      n = in.read(buffer);
    } catch (IOException e) {
      if (!watch.stalled()) {
        throw e;
      }
      n = -1;
    }
    if (watch.stalled()) {
      throw new IOException(
          "no bytes for "
              + settings.stallTimeout().toMillis()
              + " ms (HF_HUB_DOWNLOAD_TIMEOUT); the connection was cut");
    }
    return n;
  }

  /** Waits before the next try; throws once the tries are used up without progress. */
  private int retryOrFail(
      HubRef ref, RepoFile file, Path part, long before, int failures, IOException e)
      throws IOException {
    if (Thread.currentThread().isInterrupted() || e instanceof InterruptedIOException) {
      // Cancelled (another file failed, or shutdown): not a network problem to retry.
      throw e instanceof InterruptedIOException i ? i : new InterruptedIOException(file.name());
    }
    long after = Files.exists(part) ? Files.size(part) : 0;
    // A try that moved the file forward resets the count: a long download may break many times.
    int count = after > before ? 1 : failures + 1;
    if (count >= settings.attempts()) {
      throw new HubException(
          "Downloading "
              + ref.repo()
              + "/"
              + file.name()
              + " failed "
              + count
              + " times in a row (last: "
              + e.getMessage()
              + "); "
              + after
              + " bytes are kept and the next start continues from there",
          false,
          e);
    }
    long waitMillis = settings.firstBackoff().toMillis() << Math.min(count - 1, 6);
    LOG.log(
        Logger.Level.WARNING,
        "{0}/{1}: {2}; retrying from byte {3} in {4} ms",
        ref.repo(),
        file.name(),
        e.getMessage(),
        String.valueOf(after),
        String.valueOf(waitMillis));
    try {
      Thread.sleep(waitMillis);
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting to retry " + file.name());
    }
    return count;
  }

  /** Size and (for LFS files) sha256 as the Hub listed them; a mismatch deletes the file. */
  private static void verify(HubRef ref, RepoFile file, Path part) throws IOException {
    long size = Files.size(part);
    if (file.size() >= 0 && size != file.size()) {
      Files.delete(part);
      throw new HubException(
          ref.repo()
              + "/"
              + file.name()
              + ": got "
              + size
              + " bytes, the Hub lists "
              + file.size()
              + "; the file was removed, start again to download it anew");
    }
    if (file.sha256() == null) {
      return;
    }
    String actual = sha256(part);
    if (!actual.equalsIgnoreCase(file.sha256())) {
      Files.delete(part);
      throw new HubException(
          ref.repo()
              + "/"
              + file.name()
              + " is corrupt: sha256 "
              + actual
              + ", the Hub lists "
              + file.sha256()
              + "; the file was removed, start again to download it anew (a proxy or mirror that"
              + " alters files would cause this every time)");
    }
  }

  private static String sha256(Path file) throws IOException {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      try (InputStream in = Files.newInputStream(file)) {
        byte[] buffer = new byte[1 << 20];
        int n;
        while ((n = in.read(buffer)) > 0) {
          digest.update(buffer, 0, n);
        }
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
