package io.qwenops.operator.it;

import static io.qwenops.operator.it.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.qwenops.operator.app.OperatorSettings;
import io.qwenops.operator.app.QwenOperator;
import io.qwenops.operator.crd.QwenDeployment;
import io.qwenops.operator.exporter.ExporterGpuLookup;
import io.qwenops.operator.inference.InferenceHealthLookup;
import io.qwenops.operator.reconciler.InvalidSpecBackoff;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Downloading condition and the Download column, from what a not-ready pod's inference
 * container says on /health: the real operator against the CRUD mock API server, with a pod at
 * 127.0.0.1 whose inference container is a local HTTP server answering as the server does while it
 * downloads.
 */
class DownloadProgressFromPodsTest {

  static MockCluster cluster;
  static KubernetesClient client;
  static Operator operator;
  static HttpServer inference;
  static final AtomicReference<String> health = new AtomicReference<>();

  @BeforeAll
  static void start() throws IOException {
    inference = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    inference.createContext(
        "/health",
        ex -> {
          byte[] body = health.get().getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(503, body.length);
          ex.getResponseBody().write(body);
          ex.close();
        });
    inference.start();
    cluster = new MockCluster();
    client = cluster.client;
    operator =
        QwenOperator.create(
            client,
            OperatorSettings.standalone(2),
            new SimpleMeterRegistry(),
            new InvalidSpecBackoff(Duration.ofMillis(200), Duration.ofSeconds(1)),
            new ExporterGpuLookup(Duration.ofSeconds(1), Duration.ofMillis(300)),
            new InferenceHealthLookup(Duration.ofSeconds(1)));
    operator.start();
  }

  @AfterAll
  static void stop() {
    operator.stop();
    cluster.close();
    inference.stop(0);
  }

  @Test
  void aPodDownloadingItsModelShowsInStatusUntilItIsReady() {
    String ns = "downloads";
    health.set(
        "{\"status\":\"loading\",\"model\":\"Qwen/Qwen2.5-0.5B-Instruct\",\"loading\":"
            + "{\"phase\":\"downloading\",\"bytesDone\":415000000,\"bytesTotal\":988000000,"
            + "\"percent\":42.0}}");
    client.resource(Fixtures.qwen(ns, "qwen", "hf://Qwen/Qwen2.5-0.5B-Instruct", 1)).create();
    eventually(() -> assertThat(deployment(ns)).isNotNull());
    client.resource(podAt(ns, deployment(ns), "qwen-a", false)).create();

    eventually(
        () -> {
          QwenDeployment now = get(ns);
          assertThat(now.getStatus().getDownload()).isEqualTo("42% of 988 MB");
          Condition downloading = condition(now, "Downloading");
          assertThat(downloading.getStatus()).isEqualTo("True");
          assertThat(downloading.getMessage())
              .isEqualTo("Downloading model: 42% of 988 MB (pod qwen-a)");
        });

    // No pod event comes while it downloads: the operator looks again on its own.
    health.set(
        "{\"status\":\"loading\",\"loading\":{\"phase\":\"downloading\","
            + "\"bytesDone\":890000000,\"bytesTotal\":988000000}}");
    eventually(
        Duration.ofSeconds(30),
        () -> assertThat(get(ns).getStatus().getDownload()).isEqualTo("90% of 988 MB"));

    // Ready: the condition says no download and the column empties.
    client
        .pods()
        .inNamespace(ns)
        .withName("qwen-a")
        .edit(
            p -> {
              p.getStatus().getConditions().getFirst().setStatus("True");
              return p;
            });
    eventually(
        () -> {
          QwenDeployment now = get(ns);
          assertThat(now.getStatus().getReady()).isEqualTo("1/1");
          assertThat(now.getStatus().getDownload()).isNull();
          assertThat(condition(now, "Downloading").getStatus()).isEqualTo("False");
        });
  }

  static Pod podAt(String ns, Deployment d, String name, boolean ready) {
    Pod pod = OperatorAgainstMockClusterTest.pod(ns, d, name, "node-1", null, true);
    pod.getStatus().setPodIP("127.0.0.1");
    pod.getStatus()
        .setConditions(
            List.of(
                new PodConditionBuilder()
                    .withType("Ready")
                    .withStatus(ready ? "True" : "False")
                    .build()));
    pod.getSpec().getContainers().stream()
        .filter(c -> c.getName().equals("inference"))
        .flatMap(c -> c.getPorts().stream())
        .filter(p -> p.getName().equals("openai"))
        .forEach(p -> p.setContainerPort(inference.getAddress().getPort()));
    return pod;
  }

  static Deployment deployment(String ns) {
    return client.apps().deployments().inNamespace(ns).withName("qwen").get();
  }

  static QwenDeployment get(String ns) {
    return client.resources(QwenDeployment.class).inNamespace(ns).withName("qwen").get();
  }

  static Condition condition(QwenDeployment qd, String type) {
    return qd.getStatus().getConditions().stream()
        .filter(c -> c.getType().equals(type))
        .findFirst()
        .orElseThrow();
  }
}
