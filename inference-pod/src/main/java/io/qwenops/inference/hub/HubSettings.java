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
 * HF_HUB_OFFLINE} (cache only).
 *
 * @param parallelFiles files downloaded at once
 * @param attempts tries per file (and for the revision lookup) before a retryable failure is fatal
 * @param firstBackoff the wait after the first failed try; it doubles with each further one
 */
public record HubSettings(
    String endpoint,
    Optional<String> token,
    Path cacheRoot,
    boolean offline,
    int parallelFiles,
    int attempts,
    Duration firstBackoff) {

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
        endpoint, token.map(String::trim), cache, offline, 4, 6, Duration.ofSeconds(1));
  }

  public HubSettings withRetries(int attempts, Duration firstBackoff) {
    return new HubSettings(
        endpoint, token, cacheRoot, offline, parallelFiles, attempts, firstBackoff);
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
