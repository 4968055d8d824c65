package io.qwenops.inference.hub;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.System.Logger;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Makes a revision of a Hub repo present in the local cache and returns its snapshot directory,
 * like {@code huggingface-cli download}: the revision is resolved to a commit once and every file
 * comes from that commit (a branch that moves meanwhile cannot mix two commits); files already
 * cached are not fetched again; the missing ones are fetched a few at a time by {@link
 * FileFetcher}. Offline ({@code HF_HUB_OFFLINE=1}), or when the Hub cannot be reached at all, a
 * complete cached snapshot is served as it is.
 */
public final class SnapshotDownloader {

  private static final Logger LOG = System.getLogger(SnapshotDownloader.class.getName());

  private final HubSettings settings;
  private final HubCache cache;
  private final HubClient client;

  public SnapshotDownloader(HubSettings settings) {
    this.settings = settings;
    this.cache = new HubCache(settings.cacheRoot());
    this.client = new HubClient(settings);
  }

  public Path download(HubRef ref, DownloadProgress progress) throws IOException {
    if (settings.offline()) {
      return cache
          .completeSnapshot(ref)
          .orElseThrow(
              () ->
                  new HubException(
                      "HF_HUB_OFFLINE is set and "
                          + ref
                          + " is not in the cache at "
                          + cache.root()
                          + ": download it once with network access (unset HF_HUB_OFFLINE), or"
                          + " point HF_HOME at a cache that holds it"));
    }
    RevisionInfo info;
    try {
      info = resolve(ref);
    } catch (IOException e) {
      if (!unreachable(e)) {
        throw e;
      }
      var cached = cache.completeSnapshot(ref);
      if (cached.isEmpty()) {
        throw new HubException(
            "Cannot reach the Hub at "
                + settings.endpoint()
                + " ("
                + e
                + ") and "
                + ref
                + " is not cached at "
                + cache.root()
                + ". Behind a proxy set HTTPS_PROXY; for a mirror set HF_ENDPOINT.",
            false,
            e);
      }
      LOG.log(
          Logger.Level.WARNING,
          "Cannot reach {0} ({1}); using the cached snapshot of {2}",
          settings.endpoint(),
          e.toString(),
          ref);
      return cached.get();
    }
    List<RepoFile> needed = NeededFiles.select(ref, info.files());
    fetchAll(ref, info.commit(), needed, progress);
    cache.writeRef(ref, info.commit());
    return cache.snapshot(ref, info.commit());
  }

  /** The revision's commit and file list, retried on 5xx like the files are. */
  private RevisionInfo resolve(HubRef ref) throws IOException {
    for (int attempt = 1; ; attempt++) {
      try {
        return client.revision(ref);
      } catch (HubException e) {
        if (!e.retryable() || attempt >= settings.attempts()) {
          throw e;
        }
      } catch (InterruptedIOException e) {
        throw e;
      } catch (IOException e) {
        // A reset mid-answer is retried; no answer at all goes to the caller (cache fallback).
        if (unreachable(e) || attempt >= settings.attempts()) {
          throw e;
        }
      }
      pause(attempt);
    }
  }

  private void fetchAll(HubRef ref, String commit, List<RepoFile> needed, DownloadProgress progress)
      throws IOException {
    List<RepoFile> missing = new ArrayList<>();
    long total = 0;
    long present = 0;
    for (RepoFile file : needed) {
      long size = Math.max(0, file.size());
      total += size;
      if (cache.hasFile(ref, commit, file)) {
        present += size;
      } else {
        missing.add(file);
        Path blob = cache.blob(ref, file);
        Path part = blob.resolveSibling(file.blobName() + ".incomplete");
        if (Files.isRegularFile(blob) && Files.size(blob) == size) {
          present += size;
        } else if (Files.isRegularFile(part)) {
          present += Math.min(size, Files.size(part));
        }
      }
    }
    progress.start(ref.repo(), total, present);
    if (missing.isEmpty()) {
      return;
    }
    DiskFull.checkRoom(cache.repoDir(ref), total - present);
    LOG.log(
        Logger.Level.INFO,
        "Downloading {0} ({1}, commit {2}): {3} files, {4} to fetch",
        ref.repo(),
        ref.revision(),
        commit,
        String.valueOf(missing.size()),
        Bytes.human(total - present));
    FileFetcher fetcher = new FileFetcher(client, cache, settings, progress);
    ExecutorService pool =
        Executors.newFixedThreadPool(
            Math.min(settings.parallelFiles(), missing.size()),
            Thread.ofPlatform().name("hub-download-", 0).daemon(true).factory());
    try {
      List<Future<?>> running = new ArrayList<>();
      for (RepoFile file : missing) {
        running.add(
            pool.submit(
                () -> {
                  cache.link(ref, commit, file, fetcher.fetch(ref, commit, file));
                  return null;
                }));
      }
      for (Future<?> f : running) {
        await(f);
      }
    } finally {
      // One file failed: stop the others (what they wrote stays, for the next start to continue).
      pool.shutdownNow();
    }
  }

  private static void await(Future<?> f) throws IOException {
    try {
      f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while downloading");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IOException(e.getCause());
    }
  }

  private void pause(int attempt) throws InterruptedIOException {
    try {
      Thread.sleep(settings.firstBackoff().toMillis() << Math.min(attempt - 1, 6));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted");
    }
  }

  /** No answer at all (DNS, refused, timeout): the cache may stand in for the Hub. */
  private static boolean unreachable(IOException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ConnectException
          || t instanceof UnknownHostException
          || t instanceof HttpConnectTimeoutException) {
        return true;
      }
    }
    return false;
  }
}
