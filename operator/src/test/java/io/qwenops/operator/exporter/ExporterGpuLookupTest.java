package io.qwenops.operator.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.qwenops.operator.it.Eventually;
import io.qwenops.operator.status.PodGpuLookup.Answer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The lookup against a real HTTP server that answers as a gpu-exporter sidecar does. */
class ExporterGpuLookupTest {

  static final List<String> UUIDS =
      List.of(
          "GPU-5d3c1a2b-0000-1111-2222-333344445555", "GPU-9f8e7d6c-6666-7777-8888-999900001111");
  static final Duration LONG = Duration.ofHours(1);
  static final Supplier<Optional<String>> NO_TOKEN = Optional::empty;

  /** How long the hostile side may take to notice the client's close on a loaded machine. */
  static final Duration CLOSE_SEEN_WITHIN = Duration.ofSeconds(15);

  final ExporterInfoServer exporter = new ExporterInfoServer(UUIDS);

  @AfterEach
  void stop() {
    exporter.close();
  }

  @Test
  void reportsTheInferenceContainersGpusAndAsksOnlyOnce() {
    var lookup = new ExporterGpuLookup(Duration.ofSeconds(1), Duration.ZERO);
    Pod pod = pod("qwen-a", "uid-a", "Running", "127.0.0.1", exporter.port());

    Answer first = lookup.lookup(List.of(pod), NO_TOKEN);
    Answer second = lookup.lookup(List.of(pod), NO_TOKEN);

    assertThat(first.uuidsByPod()).isEqualTo(Map.of("qwen-a", UUIDS));
    assertThat(first.askAgainAfter()).as("nothing left to learn").isEmpty();
    assertThat(second.uuidsByPod()).isEqualTo(Map.of("qwen-a", UUIDS));
    assertThat(exporter.requests()).as("a pod's GPUs do not change: asked once").isEqualTo(1);
  }

  @Test
  void exporterWithoutUuidsYetIsAskedAgainOnlyAfterTheRetryInterval() {
    exporter.ownUuids(List.of());
    Pod pod = pod("qwen-a", "uid-a", "Running", "127.0.0.1", exporter.port());

    var patient = new ExporterGpuLookup(Duration.ofSeconds(1), LONG);
    Answer first = patient.lookup(List.of(pod), NO_TOKEN);
    exporter.ownUuids(UUIDS);
    Answer second = patient.lookup(List.of(pod), NO_TOKEN);
    assertThat(first.uuidsByPod()).isEmpty();
    assertThat(first.askAgainAfter()).contains(LONG);
    assertThat(second.uuidsByPod()).as("not asked again within the interval").isEmpty();
    assertThat(exporter.requests()).isEqualTo(1);

    var eager = new ExporterGpuLookup(Duration.ofSeconds(1), Duration.ZERO);
    exporter.ownUuids(List.of());
    assertThat(eager.lookup(List.of(pod), NO_TOKEN).uuidsByPod()).isEmpty();
    exporter.ownUuids(UUIDS);
    assertThat(eager.lookup(List.of(pod), NO_TOKEN).uuidsByPod())
        .isEqualTo(Map.of("qwen-a", UUIDS));
  }

  @Test
  void unreachableExporterMeansUnknownNotAnError() {
    var lookup = new ExporterGpuLookup(Duration.ofSeconds(1), LONG);
    Pod reachable = pod("qwen-a", "uid-a", "Running", "127.0.0.1", exporter.port());
    Pod unreachable =
        pod("qwen-b", "uid-b", "Running", "127.0.0.1", ExporterInfoServer.closedPort());

    Answer answer = lookup.lookup(List.of(reachable, unreachable), NO_TOKEN);

    assertThat(answer.uuidsByPod()).isEqualTo(Map.of("qwen-a", UUIDS));
    assertThat(answer.askAgainAfter()).contains(LONG);
  }

  @Test
  void podsThatCannotAnswerAreNotAsked() {
    var lookup = new ExporterGpuLookup(Duration.ofSeconds(1), Duration.ZERO);
    Pod pending = pod("pending", "uid-1", "Pending", "127.0.0.1", exporter.port());
    Pod noIp = pod("no-ip", "uid-2", "Running", null, exporter.port());
    Pod noExporter =
        new PodBuilder(pod("no-exporter", "uid-3", "Running", "127.0.0.1", exporter.port()))
            .editSpec()
            .removeMatchingFromContainers(c -> c.getName().equals("gpu-exporter"))
            .endSpec()
            .build();

    Answer answer = lookup.lookup(List.of(pending, noIp, noExporter), NO_TOKEN);

    assertThat(answer.uuidsByPod()).isEmpty();
    assertThat(answer.askAgainAfter()).isEmpty();
    assertThat(exporter.requests()).isZero();
  }

  @Test
  void endlessBodyIsCutOffAtTheLimitAndItsConnectionClosed() {
    try (HostileExporter hostile = new HostileExporter(HostileExporter.Behaviour.ENDLESS_BODY)) {
      var lookup = new ExporterGpuLookup(Duration.ofSeconds(1), LONG);
      Pod bad = pod("qwen-bad", "uid-bad", "Running", "127.0.0.1", hostile.port());
      Pod good = pod("qwen-good", "uid-good", "Running", "127.0.0.1", exporter.port());

      long start = System.nanoTime();
      Answer answer = lookup.lookup(List.of(bad, good), NO_TOKEN);

      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
      assertThat(answer.uuidsByPod())
          .as("the hostile pod is unknown, its neighbour is not")
          .isEqualTo(Map.of("qwen-good", UUIDS));
      assertThat(answer.askAgainAfter()).contains(LONG);
      // The client hung up: nothing keeps reading (and buffering) that body in the background.
      // The wait is generous because a loaded CI box can stall threads for seconds; the report
      // says what the hostile side saw, so a failure shows whether the client ever connected.
      Eventually.eventually(
          CLOSE_SEEN_WITHIN,
          () ->
              assertThat(hostile.closedByClient())
                  .as(
                      "closed by the client (accepted %d, sent %d bytes)",
                      hostile.accepted(), hostile.bytesSent())
                  .isEqualTo(1));
      long sentAtClose = hostile.bytesSent();
      assertThat(sentAtClose)
          .as("stopped near the 1 MiB limit (plus socket buffers), not after gigabytes")
          .isLessThan(64L << 20);
    }
  }

  @Test
  void tricklingBodyIsCancelledAtTheDeadline() {
    try (HostileExporter hostile = new HostileExporter(HostileExporter.Behaviour.TRICKLING_BODY)) {
      var lookup = new ExporterGpuLookup(Duration.ofMillis(500), LONG);
      Pod bad = pod("qwen-bad", "uid-bad", "Running", "127.0.0.1", hostile.port());

      long start = System.nanoTime();
      Answer answer = lookup.lookup(List.of(bad), NO_TOKEN);

      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .as("twice the timeout, then given up")
          .isBetween(Duration.ofMillis(900), Duration.ofSeconds(3));
      assertThat(answer.uuidsByPod()).isEmpty();
      assertThat(answer.askAgainAfter()).contains(LONG);
      Eventually.eventually(
          CLOSE_SEEN_WITHIN, () -> assertThat(hostile.closedByClient()).isEqualTo(1));
    }
  }

  @Test
  void exporterThatNeverAnswersCostsOneTimeoutAndIsAskedAgainLater() {
    try (HostileExporter hostile = new HostileExporter(HostileExporter.Behaviour.NEVER_ANSWERS)) {
      var lookup = new ExporterGpuLookup(Duration.ofMillis(500), Duration.ofMillis(200));
      Pod bad = pod("qwen-bad", "uid-bad", "Running", "127.0.0.1", hostile.port());

      long start = System.nanoTime();
      Answer answer = lookup.lookup(List.of(bad), NO_TOKEN);

      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1500));
      assertThat(answer.uuidsByPod()).isEmpty();
      assertThat(answer.askAgainAfter()).contains(Duration.ofMillis(200));
      Eventually.eventually(
          CLOSE_SEEN_WITHIN, () -> assertThat(hostile.closedByClient()).isEqualTo(1));
    }
  }

  @Test
  void sendsTheBearerTokenAndReadsItOnlyWhenSomePodIsAsked() {
    exporter.requireToken("s3cret");
    Pod pod = pod("qwen-a", "uid-a", "Running", "127.0.0.1", exporter.port());
    var reads = new java.util.concurrent.atomic.AtomicInteger();
    Supplier<Optional<String>> token =
        () -> {
          reads.incrementAndGet();
          return Optional.of("s3cret");
        };

    var lookup = new ExporterGpuLookup(Duration.ofSeconds(1), Duration.ZERO);
    assertThat(lookup.lookup(List.of(pod), NO_TOKEN).uuidsByPod())
        .as("without the token the exporter refuses: unknown")
        .isEmpty();
    assertThat(lookup.lookup(List.of(pod), token).uuidsByPod()).isEqualTo(Map.of("qwen-a", UUIDS));
    assertThat(lookup.lookup(List.of(pod), token).uuidsByPod()).isEqualTo(Map.of("qwen-a", UUIDS));

    assertThat(exporter.authorizations()).containsExactly("null", "Bearer s3cret");
    assertThat(reads).as("the known pod is not asked, so the Secret is not read").hasValue(1);
  }

  @Test
  void onlyAFilteringHelloNamesThePodsGpus() {
    assertThat(ExporterHello.ownGpuUuids(ExporterInfoServer.hello(UUIDS))).isEqualTo(UUIDS);
    String nodeWide =
        ExporterInfoServer.hello(UUIDS).replace("\"filtering\": true", "\"filtering\": false");
    assertThat(ExporterHello.ownGpuUuids(nodeWide)).as("a node-wide exporter").isEmpty();
    assertThat(ExporterHello.ownGpuUuids("{\"type\": \"sample\"}")).isEmpty();
    assertThat(ExporterHello.ownGpuUuids("<html>not json")).isEmpty();
  }

  @Test
  void ipv6PodAddressesAreBracketed() {
    Pod pod = pod("qwen-a", "uid-a", "Running", "fd00::12", 9400);
    assertThat(ExporterGpuLookup.infoUri(pod))
        .map(Object::toString)
        .isEqualTo(Optional.of("http://[fd00::12]:9400/api/gpu/info"));
  }

  static Pod pod(String name, String uid, String phase, String ip, int exporterPort) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("ml")
        .withUid(uid)
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("inference")
        .endContainer()
        .addNewContainer()
        .withName("gpu-exporter")
        .addNewPort()
        .withName("telemetry")
        .withContainerPort(exporterPort)
        .endPort()
        .endContainer()
        .endSpec()
        .withNewStatus()
        .withPhase(phase)
        .withPodIP(ip)
        .endStatus()
        .build();
  }
}
