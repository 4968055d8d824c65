package io.qwenops.inference.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Downloads from a local stand-in for the Hub ({@link FakeHub}) into a Hugging Face cache layout,
 * through the failures real downloads meet.
 */
class SnapshotDownloaderTest {

  static final String REPO = "Qwen/Qwen2.5-Tiny";
  static final String COMMIT_A = "a".repeat(40);
  static final String COMMIT_B = "b".repeat(40);

  FakeHub hub;
  @TempDir Path home;
  Map<String, byte[]> filesA;

  @BeforeEach
  void startHub() throws IOException {
    hub = new FakeHub();
    filesA = checkpoint(1);
    hub.publish(REPO, "main", COMMIT_A, filesA);
  }

  @AfterEach
  void stopHub() {
    hub.close();
  }

  static Map<String, byte[]> checkpoint(int seed) {
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("config.json", ("{\"seed\":" + seed + "}").getBytes(StandardCharsets.UTF_8));
    files.put("tokenizer.json", ("{\"tok\":" + seed + "}").getBytes(StandardCharsets.UTF_8));
    files.put("generation_config.json", "{}".getBytes(StandardCharsets.UTF_8));
    byte[] weights = new byte[3 << 20];
    new Random(seed).nextBytes(weights);
    files.put("model.safetensors", weights);
    files.put("README.md", "# not needed".getBytes(StandardCharsets.UTF_8));
    files.put("onnx/model.onnx", new byte[] {1, 2, 3});
    return files;
  }

  Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("HF_HOME", home.toString());
    env.put("HF_ENDPOINT", hub.endpoint());
    return env;
  }

  Path download(Map<String, String> env, DownloadProgress progress) throws IOException {
    HubSettings settings = HubSettings.fromEnv(env).withRetries(4, Duration.ofMillis(10));
    return new SnapshotDownloader(settings).download(HubRef.parse("hf://" + REPO), progress);
  }

  Path download() throws IOException {
    return download(env(), new DownloadProgress());
  }

  @Test
  void fetchesOnlyTheNeededFilesIntoTheHuggingFaceCacheLayout() throws IOException {
    DownloadProgress progress = new DownloadProgress();
    Path snapshot = download(env(), progress);

    Path repoDir = home.resolve("hub").resolve("models--Qwen--Qwen2.5-Tiny");
    assertThat(snapshot).isEqualTo(repoDir.resolve("snapshots").resolve(COMMIT_A));
    assertThat(Files.readString(repoDir.resolve("refs/main"))).isEqualTo(COMMIT_A);
    for (String name :
        new String[] {
          "config.json", "tokenizer.json", "generation_config.json", "model.safetensors"
        }) {
      assertThat(Files.readAllBytes(snapshot.resolve(name))).isEqualTo(filesA.get(name));
      assertThat(Files.isSymbolicLink(snapshot.resolve(name))).isTrue();
    }
    assertThat(repoDir.resolve("blobs").resolve(FakeHub.sha256(filesA.get("model.safetensors"))))
        .exists();
    assertThat(repoDir.resolve("blobs").resolve(FakeHub.gitBlobId(filesA.get("config.json"))))
        .exists();
    assertThat(snapshot.resolve("README.md")).doesNotExist();
    assertThat(snapshot.resolve("onnx")).doesNotExist();
    assertThat(hub.served).hasSize(4);
    DownloadProgress.Snapshot done = progress.snapshot();
    assertThat(done.bytesDone()).isEqualTo(done.bytesTotal());
    assertThat(done.percent()).isEqualTo(100.0);
  }

  @Test
  void aConnectionResetHalfwayIsResumedWithARangeRequestNotRestarted() throws IOException {
    byte[] weights = filesA.get("model.safetensors");
    long cut = weights.length / 2;
    hub.cutOnce.put("model.safetensors", cut);

    Path snapshot = download();

    assertThat(Files.readAllBytes(snapshot.resolve("model.safetensors"))).isEqualTo(weights);
    var requests = hub.servedFiles("model.safetensors");
    assertThat(requests).hasSize(2);
    assertThat(requests.get(0).range()).isNull();
    assertThat(requests.get(0).bytes()).isEqualTo(cut);
    assertResumedFromWhatArrived(requests.get(1), cut, weights.length);
  }

  /**
   * The retry asks for the rest from the bytes the client had written: at most what the server sent
   * before the reset (a reset can drop the last bytes in flight), and far more than none.
   */
  private static void assertResumedFromWhatArrived(FakeHub.Served retry, long sent, long size) {
    assertThat(retry.range()).matches("bytes=\\d+-");
    long from = Long.parseLong(retry.range().replaceAll("\\D", ""));
    assertThat(from).as("continued, not restarted").isBetween(sent - (256 << 10), sent);
    assertThat(retry.bytes()).as("only the rest is sent again").isEqualTo(size - from);
  }

  @Test
  void aBodyThatStopsArrivingIsCutAfterTheStallTimeoutAndContinued() throws IOException {
    byte[] weights = filesA.get("model.safetensors");
    long stall = weights.length / 3;
    hub.stallOnce.put("model.safetensors", stall);
    HubSettings settings =
        HubSettings.fromEnv(env())
            .withRetries(4, Duration.ofMillis(10))
            .withStallTimeout(Duration.ofMillis(300));

    long start = System.nanoTime();
    Path snapshot =
        new SnapshotDownloader(settings)
            .download(HubRef.parse("hf://" + REPO), new DownloadProgress());

    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .as("cut after the stall timeout, not left hanging")
        .isLessThan(Duration.ofSeconds(20));
    assertThat(Files.readAllBytes(snapshot.resolve("model.safetensors"))).isEqualTo(weights);
    var requests = hub.servedFiles("model.safetensors");
    assertThat(requests).hasSize(2);
    assertResumedFromWhatArrived(requests.get(1), stall, weights.length);
  }

  @Test
  void theStallTimeoutIsReadAsHuggingFaceHubReadsIt() {
    assertThat(HubSettings.downloadTimeout(null)).isEqualTo(Duration.ofSeconds(10));
    assertThat(HubSettings.downloadTimeout("2.5")).isEqualTo(Duration.ofMillis(2500));
    assertThatThrownBy(() -> HubSettings.downloadTimeout("soon"))
        .hasMessageContaining("HF_HUB_DOWNLOAD_TIMEOUT");
    assertThatThrownBy(() -> HubSettings.downloadTimeout("0"))
        .hasMessageContaining("HF_HUB_DOWNLOAD_TIMEOUT");
  }

  @Test
  void aPartialFileLeftByAnEarlierRunIsContinued() throws IOException {
    byte[] weights = filesA.get("model.safetensors");
    Path blobs = home.resolve("hub/models--Qwen--Qwen2.5-Tiny/blobs");
    Files.createDirectories(blobs);
    int kept = 1 << 20;
    Files.write(
        blobs.resolve(FakeHub.sha256(weights) + ".incomplete"),
        java.util.Arrays.copyOf(weights, kept));

    download();

    var requests = hub.servedFiles("model.safetensors");
    assertThat(requests).hasSize(1);
    assertThat(requests.getFirst().range()).isEqualTo("bytes=" + kept + "-");
    assertThat(requests.getFirst().bytes()).isEqualTo(weights.length - kept);
  }

  @Test
  void serverErrorsAreRetriedWithBackoff() throws IOException {
    hub.unavailable.set(2);
    Path snapshot = download();
    assertThat(Files.readAllBytes(snapshot.resolve("model.safetensors")))
        .isEqualTo(filesA.get("model.safetensors"));
  }

  @Test
  void aWrongChecksumIsRefusedAndTheFileRemoved() {
    hub.wrongSha.add("model.safetensors");
    assertThatThrownBy(this::download)
        .isInstanceOf(HubException.class)
        .hasMessageContaining("model.safetensors is corrupt")
        .hasMessageContaining("sha256")
        .hasMessageContaining("removed");
    Path blobs = home.resolve("hub/models--Qwen--Qwen2.5-Tiny/blobs");
    try (Stream<Path> left = Files.list(blobs)) {
      assertThat(left.map(p -> p.getFileName().toString()))
          .noneMatch(n -> n.startsWith(FakeHub.sha256(new byte[] {1})));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    assertThat(
            home.resolve("hub/models--Qwen--Qwen2.5-Tiny/snapshots/" + COMMIT_A)
                .resolve("model.safetensors"))
        .doesNotExist();
  }

  @Test
  void aGatedModelSaysToSetHfTokenAndTheTokenIsSentAsBearer() throws IOException {
    hub.requiredToken = "hf_secret";
    assertThatThrownBy(this::download)
        .isInstanceOf(HubException.class)
        .hasMessageContaining("401")
        .hasMessageContaining("gated or private")
        .hasMessageContaining("HF_TOKEN");

    Map<String, String> wrong = env();
    wrong.put("HF_TOKEN", "hf_other");
    assertThatThrownBy(() -> download(wrong, new DownloadProgress()))
        .hasMessageContaining("403")
        .hasMessageContaining("HF_TOKEN has no access")
        .hasMessageContaining("license");

    Map<String, String> right = env();
    right.put("HF_TOKEN", "hf_secret");
    assertThat(download(right, new DownloadProgress()).resolve("config.json")).exists();
  }

  @Test
  void theTokenFileOfHuggingFaceCliLoginIsUsedWithoutHfToken() throws IOException {
    hub.requiredToken = "hf_saved";
    Files.writeString(home.resolve("token"), "hf_saved\n");
    assertThat(download().resolve("config.json")).exists();
  }

  @Test
  void aMissingRepoOrRevisionIsA404ThatNamesIt() {
    HubSettings settings = HubSettings.fromEnv(env());
    assertThatThrownBy(
            () ->
                new SnapshotDownloader(settings)
                    .download(HubRef.parse("hf://Qwen/Nope"), new DownloadProgress()))
        .isInstanceOf(HubException.class)
        .hasMessageContaining("404")
        .hasMessageContaining("no repo Qwen/Nope");
    assertThatThrownBy(
            () ->
                new SnapshotDownloader(settings)
                    .download(HubRef.parse("hf://" + REPO + "@v9"), new DownloadProgress()))
        .hasMessageContaining("404")
        .hasMessageContaining("has no revision v9");
  }

  @Test
  void aBranchThatMovesDuringTheDownloadCannotMixTwoCommits() throws IOException {
    hub.millisPerChunk = 5;
    hub.afterRevision = () -> hub.publish(REPO, "main", COMMIT_B, checkpoint(2));

    Path snapshot = download();

    assertThat(snapshot.getFileName().toString()).isEqualTo(COMMIT_A);
    assertThat(hub.served).isNotEmpty().allMatch(s -> s.commit().equals(COMMIT_A));
    assertThat(Files.readAllBytes(snapshot.resolve("config.json")))
        .isEqualTo(filesA.get("config.json"));
    assertThat(Files.readAllBytes(snapshot.resolve("model.safetensors")))
        .isEqualTo(filesA.get("model.safetensors"));
  }

  @Test
  void aCachedCommitIsReusedWithoutDownloadingAnything() throws IOException {
    Path first = download();
    hub.served.clear();

    Path again = download();

    assertThat(again).isEqualTo(first);
    assertThat(hub.served).isEmpty();
  }

  @Test
  void offlineModeServesTheCacheAndSaysSoWhenItIsEmpty() throws IOException {
    Map<String, String> offline = env();
    offline.put("HF_HUB_OFFLINE", "1");
    assertThatThrownBy(() -> download(offline, new DownloadProgress()))
        .isInstanceOf(HubException.class)
        .hasMessageContaining("HF_HUB_OFFLINE")
        .hasMessageContaining("not in the cache");

    Path online = download();
    int calls = hub.revisionCalls.get();
    assertThat(download(offline, new DownloadProgress())).isEqualTo(online);
    assertThat(hub.revisionCalls.get()).as("offline asks nothing").isEqualTo(calls);
  }

  @Test
  void anUnreachableHubFallsBackToACompleteCachedSnapshot() throws IOException {
    Path online = download();
    hub.close();
    assertThat(download()).isEqualTo(online);
  }

  @Test
  void aDownloadLargerThanTheFreeDiskFailsBeforeTheFirstByte() throws IOException {
    long free = Files.getFileStore(home).getUsableSpace();
    hub.listedSize.put("model.safetensors", free + (1L << 40));
    assertThatThrownBy(this::download)
        .isInstanceOf(HubException.class)
        .hasMessageContaining("Not enough disk space")
        .hasMessageContaining("HF_HOME");
    assertThat(hub.served).isEmpty();
  }
}
