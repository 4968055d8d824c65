package io.qwenops.inference.hub;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * How to reach the Hub and where its cache lives, read from the environment variables
 * huggingface_hub reads: {@code HF_ENDPOINT} (a mirror), {@code HF_TOKEN} (else the token file
 * {@code huggingface-cli login} wrote), {@code HF_HUB_CACHE} / {@code HF_HOME} (the cache), {@code
 * HF_HUB_OFFLINE} (cache only), {@code HF_HUB_DOWNLOAD_TIMEOUT} (seconds without a byte before a
 * download is cut and resumed; huggingface_hub's default, 10).
 *
 * @param parallelFiles files downloaded at once
 * @param attempts tries per file (and for the revision lookup) before a retryable failure is fatal
 * @param firstBackoff the wait after the first failed try; it doubles with each further one
 * @param stallTimeout how long a file's body may send nothing before the connection is cut and the
 *     file continued from where it stopped (a CDN that stops mid-file would otherwise hang the pod)
 */
public record HubSettings(
    String endpoint,
    Optional<String> token,
    Path cacheRoot,
    boolean offline,
    int parallelFiles,
    int attempts,
    Duration firstBackoff,
    Duration stallTimeout) {

  private static final Set<String> TRUE = Set.of("1", "on", "yes", "true");

  public static HubSettings fromEnv(Map<String, String> env) {
    Path home =
        Optional.ofNullable(blankToNull(env.get("HF_HOME")))
            .map(Path::of)
            .orElseGet(
                () ->
                    Optional.ofNullable(blankToNull(env.get("XDG_CACHE_HOME")))
                        .map(Path::of)
                        .orElseGet(() -> Path.of(System.getProperty("user.home"), ".cache"))
                        .resolve("huggingface"));
    Path cache =
        Optional.ofNullable(blankToNull(env.get("HF_HUB_CACHE")))
            .map(Path::of)
            .orElse(home.resolve("hub"));
    String endpoint =
        Optional.ofNullable(blankToNull(env.get("HF_ENDPOINT")))
            .orElse("https://huggingface.co")
            .replaceAll("/+$", "");
    Optional<String> token = Optional.ofNullable(blankToNull(env.get("HF_TOKEN")));
    if (token.isEmpty()) {
      token = tokenFile(home);
    }
    boolean offline =
        TRUE.contains(env.getOrDefault("HF_HUB_OFFLINE", "").trim().toLowerCase(Locale.ROOT));
    return new HubSettings(
        endpoint,
        token.map(String::trim),
        cache,
        offline,
        4,
        6,
        Duration.ofSeconds(1),
        downloadTimeout(env.get("HF_HUB_DOWNLOAD_TIMEOUT")));
  }

  public HubSettings withRetries(int attempts, Duration firstBackoff) {
    return new HubSettings(
        endpoint, token, cacheRoot, offline, parallelFiles, attempts, firstBackoff, stallTimeout);
  }

  public HubSettings withStallTimeout(Duration stallTimeout) {
    return new HubSettings(
        endpoint, token, cacheRoot, offline, parallelFiles, attempts, firstBackoff, stallTimeout);
  }

  /** Seconds, as huggingface_hub reads it (fractions allowed); 10 when unset. */
  static Duration downloadTimeout(String value) {
    String v = blankToNull(value);
    if (v == null) {
      return Duration.ofSeconds(10);
    }
    double seconds;
    try {
      seconds = Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "HF_HUB_DOWNLOAD_TIMEOUT must be a number of seconds, not '" + v + "'");
    }
    if (!(seconds > 0) || seconds > 86_400) {
      throw new IllegalArgumentException(
          "HF_HUB_DOWNLOAD_TIMEOUT must be between 0 and 86400 seconds, not '" + v + "'");
    }
    return Duration.ofMillis(Math.max(1, Math.round(seconds * 1000)));
  }

  /** {@code huggingface-cli login} stores the token in {@code $HF_HOME/token}. */
  private static Optional<String> tokenFile(Path home) {
    Path file = home.resolve("token");
    try {
      return Files.isRegularFile(file)
          ? Optional.ofNullable(blankToNull(Files.readString(file)))
          : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}
