package io.qwenops.operator.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.qwenops.operator.status.PodGpuLookup.Answer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The lookup against a real HTTP server that answers as a gpu-exporter sidecar does. */
class ExporterGpuLookupTest {

  static final List<String> UUIDS =
      List.of(
          "GPU-5d3c1a2b-0000-1111-2222-333344445555", "GPU-9f8e7d6c-6666-7777-8888-999900001111");
  static final Duration LONG = Duration.ofHours(1);

  final ExporterInfoServer exporter = new ExporterInfoServer(UUIDS);

  @AfterEach
  void stop() {
    exporter.close();
  }

  @Test
  void reportsTheInferenceContainersGpusAndAsksOnlyOnce() {
    var lookup = new ExporterGpuLookup(Duration.ofSeconds(1), Duration.ZERO);
    Pod pod = pod("qwen-a", "uid-a", "Running", "127.0.0.1", exporter.port());

    Answer first = lookup.lookup(List.of(pod));
    Answer second = lookup.lookup(List.of(pod));

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
    Answer first = patient.lookup(List.of(pod));
    exporter.ownUuids(UUIDS);
    Answer second = patient.lookup(List.of(pod));
    assertThat(first.uuidsByPod()).isEmpty();
    assertThat(first.askAgainAfter()).contains(LONG);
    assertThat(second.uuidsByPod()).as("not asked again within the interval").isEmpty();
    assertThat(exporter.requests()).isEqualTo(1);

    var eager = new ExporterGpuLookup(Duration.ofSeconds(1), Duration.ZERO);
    exporter.ownUuids(List.of());
    assertThat(eager.lookup(List.of(pod)).uuidsByPod()).isEmpty();
    exporter.ownUuids(UUIDS);
    assertThat(eager.lookup(List.of(pod)).uuidsByPod()).isEqualTo(Map.of("qwen-a", UUIDS));
  }

  @Test
  void unreachableExporterMeansUnknownNotAnError() {
    var lookup = new ExporterGpuLookup(Duration.ofSeconds(1), LONG);
    Pod reachable = pod("qwen-a", "uid-a", "Running", "127.0.0.1", exporter.port());
    Pod unreachable =
        pod("qwen-b", "uid-b", "Running", "127.0.0.1", ExporterInfoServer.closedPort());

    Answer answer = lookup.lookup(List.of(reachable, unreachable));

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

    Answer answer = lookup.lookup(List.of(pending, noIp, noExporter));

    assertThat(answer.uuidsByPod()).isEmpty();
    assertThat(answer.askAgainAfter()).isEmpty();
    assertThat(exporter.requests()).isZero();
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
