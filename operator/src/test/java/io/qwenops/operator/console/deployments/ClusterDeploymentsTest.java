package io.qwenops.operator.console.deployments;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.qwenops.operator.console.access.OpenAccess;
import io.qwenops.operator.console.http.Json;
import io.qwenops.operator.console.server.ConsoleGateway;
import io.qwenops.operator.console.testing.ClusterFixtures;
import io.qwenops.operator.console.testing.FakeInferenceServer;
import io.qwenops.operator.crd.QwenDeployment;
import io.qwenops.operator.crd.SecretKeyRef;
import io.qwenops.operator.it.MockCluster;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The informer-backed view on the mock API server (CRUD mode), its SSE pushes and the API key. */
class ClusterDeploymentsTest {

  @Test
  void deploymentsAndTheirPodsAreListedAndChangesArePushed() throws Exception {
    try (MockCluster cluster = new MockCluster();
        FakeInferenceServer inference = new FakeInferenceServer();
        HttpClient http = HttpClient.newHttpClient()) {
      QwenDeployment qd = ClusterFixtures.qwen("ml", "qwen-05b", 2);
      SecretKeyRef ref = new SecretKeyRef();
      ref.setName("qwen-key");
      qd.getSpec().setApiKeySecretRef(ref);
      qd.getMetadata()
          .setAnnotations(java.util.Map.of(DeploymentViews.NOTICE, " Maintenance at 18:00 UTC "));
      cluster.client.resource(qd).create();
      cluster
          .client
          .resource(ClusterFixtures.secret("ml", "qwen-key", "api-key", "sekret"))
          .create();
      cluster
          .client
          .resource(ClusterFixtures.pod("ml", "qwen-05b", "qwen-05b-a", "gpu-1", true))
          .create();
      cluster
          .client
          .resource(ClusterFixtures.pod("ml", "qwen-05b", "qwen-05b-b", "gpu-2", false))
          .create();
      cluster
          .client
          .resource(ClusterFixtures.pod("ml", "other", "other-a", "gpu-3", true))
          .create();

      ClusterDeployments source =
          ClusterDeployments.start(cluster.client, Set.of(), (ns, svc, port) -> inference.url());
      try (ConsoleGateway gateway =
          ConsoleGateway.start("127.0.0.1", 0, source, new OpenAccess(), false, null)) {
        String base = "http://127.0.0.1:" + gateway.port() + "/api/deployments";
        JsonNode list = Json.read(get(http, base).body());
        JsonNode d = list.path("deployments").get(0);
        assertThat(list.path("deployments").size()).isEqualTo(1);
        assertThat(d.path("namespace").asText()).isEqualTo("ml");
        assertThat(d.path("servedModelName").asText()).isEqualTo("Qwen/Qwen2.5-0.5B-Instruct");
        assertThat(d.path("ready").asText()).isEqualTo("1/2");
        assertThat(d.path("replicas").path("desired").asInt()).isEqualTo(2);
        assertThat(d.path("endpoint").asText()).isEqualTo("http://qwen-05b.ml.svc:8000/v1");
        assertThat(d.path("pods").findValuesAsText("name"))
            .containsExactly("qwen-05b-a", "qwen-05b-b");
        assertThat(d.path("pods").get(0).path("node").asText()).isEqualTo("gpu-1");
        assertThat(d.path("pods").get(0).path("restarts").asInt()).isEqualTo(1);
        assertThat(d.path("pods").get(1).path("conditions").get(0).path("reason").asText())
            .isEqualTo("ContainersNotReady");
        assertThat(d.path("exporter").asBoolean()).isTrue();
        assertThat(d.path("notice").asText()).isEqualTo("Maintenance at 18:00 UTC");

        HttpResponse<InputStream> events =
            http.send(
                HttpRequest.newBuilder(URI.create(base + "/events")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        BufferedReader sse =
            new BufferedReader(new InputStreamReader(events.body(), StandardCharsets.UTF_8));
        assertThat(sse.readLine()).isEqualTo("event: deployments");
        assertThat(Json.read(sse.readLine().substring(6)).path("deployments").size()).isEqualTo(1);

        cluster.client.resource(ClusterFixtures.qwen("ml", "second", 1)).create();
        String line;
        while ((line = sse.readLine()) != null && !line.startsWith("data: ")) {
          // blank separator, pings
        }
        JsonNode pushed = Json.read(line.substring(6));
        assertThat(pushed.path("deployments"))
            .extracting(n -> n.path("name").asText())
            .containsExactly("qwen-05b", "second");
        assertThat(pushed.path("deployments").get(1).path("notice").isNull())
            .as("no annotation, no notice")
            .isTrue();
        events.body().close();

        // The chat proxy adds the deployment's API key from its Secret.
        HttpResponse<String> chat =
            http.send(
                HttpRequest.newBuilder(URI.create(base + "/ml/qwen-05b/v1/chat/completions"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"bad\"}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(chat.statusCode()).isEqualTo(400);
        assertThat(inference.lastAuthorization.get()).isEqualTo("Bearer sekret");
      }
    }
  }

  static HttpResponse<String> get(HttpClient http, String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
