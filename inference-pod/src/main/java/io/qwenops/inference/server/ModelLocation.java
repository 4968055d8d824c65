package io.qwenops.inference.server;

import io.qwenops.inference.hub.DownloadProgress;
import io.qwenops.inference.hub.HubRef;
import io.qwenops.inference.hub.HubSettings;
import io.qwenops.inference.hub.SnapshotDownloader;
import io.qwenops.inference.progress.ProgressTicker;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Where the checkpoint is: a local directory, or {@code hf://owner/name@revision} (what the
 * operator passes for a Hugging Face source), made present in the Hugging Face cache by {@link
 * SnapshotDownloader} first ({@code HF_HOME}, {@code HF_TOKEN}, {@code HF_ENDPOINT}, {@code
 * HF_HUB_OFFLINE} as huggingface_hub reads them).
 */
public final class ModelLocation {

  private ModelLocation() {}

  public static boolean isHuggingFace(String location) {
    return HubRef.isHub(location);
  }

  /**
   * @throws UsageException for a malformed hf:// location
   */
  static HubRef hubRef(String location) {
    try {
      return HubRef.parse(location);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  /** The name a model is served under when none is configured. */
  public static String defaultServedName(String location) {
    if (isHuggingFace(location)) {
      return hubRef(location).repo();
    }
    Path name = Path.of(location).toAbsolutePath().normalize().getFileName();
    return name == null ? "model" : name.toString();
  }

  /** The local directory holding the checkpoint, downloading it first if needed. */
  public static Path resolve(String location, Map<String, String> env) throws IOException {
    return resolve(location, env, new DownloadProgress());
  }

  /**
   * @param progress filled while a download runs (the server shows it in {@code /health})
   */
  public static Path resolve(String location, Map<String, String> env, DownloadProgress progress)
      throws IOException {
    if (!isHuggingFace(location)) {
      return Path.of(location).toAbsolutePath().normalize();
    }
    HubRef ref = hubRef(location);
    SnapshotDownloader downloader = new SnapshotDownloader(HubSettings.fromEnv(env));
    try (ProgressTicker ticker =
        ProgressTicker.start(
            Duration.ofSeconds(10),
            () -> {
              DownloadProgress.Snapshot s = progress.snapshot();
              return s.bytesTotal() < 0 || !progress.fetchedAny()
                  ? null
                  : new ProgressTicker.Reading(s.percent() / 100, s.text());
            })) {
      Path dir = downloader.download(ref, progress);
      if (progress.fetchedAny()) {
        ticker.finish();
      }
      return dir;
    }
  }
}
