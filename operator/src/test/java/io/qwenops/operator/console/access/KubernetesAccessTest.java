package io.qwenops.operator.console.access;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.qwenops.operator.console.deployments.ClusterDeployments;
import io.qwenops.operator.console.http.Json;
import io.qwenops.operator.console.server.ConsoleGateway;
import io.qwenops.operator.console.telemetry.TelemetrySocket;
import io.qwenops.operator.console.testing.BrowserSocket;
import io.qwenops.operator.console.testing.ClusterFixtures;
import io.qwenops.operator.console.testing.FakeInferenceServer;
import io.qwenops.operator.it.MockCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Mode kubernetes on the mock API server: the review endpoints are stubbed with expectations that
 * answer as an RBAC setup would (alice may get ml/visible only); the rest is the CRUD store.
 */
class KubernetesAccessTest {

  static final String ALICE = "alice-token";

  @Test
  void aUserWithoutGetOnADeploymentSeesNothingOfItAndCannotUseIt() throws Exception {
    try (MockCluster cluster = new MockCluster();
        FakeInferenceServer inference = new FakeInferenceServer();
        HttpClient http = HttpClient.newHttpClient()) {
      stubReviews(cluster);
      cluster.client.resource(ClusterFixtures.qwen("ml", "visible", 1)).create();
      cluster.client.resource(ClusterFixtures.qwen("ml", "hidden", 1)).create();
      cluster
          .client
          .resource(ClusterFixtures.pod("ml", "hidden", "hidden-0", "gpu-1", true))
          .create();
      ClusterDeployments source =
          ClusterDeployments.start(cluster.client, Set.of(), (ns, svc, port) -> inference.url());
      try (ConsoleGateway gateway =
          ConsoleGateway.start(
              "127.0.0.1", 0, source, new KubernetesAccess(cluster.client), false, null)) {
        String base = "http://127.0.0.1:" + gateway.port();

        HttpResponse<String> session = send(http, get(base + "/api/session", ALICE));
        assertThat(Json.read(session.body()).path("user").asText()).isEqualTo("alice");
        assertThat(Json.read(session.body()).path("mode").asText()).isEqualTo("kubernetes");

        JsonNode list = Json.read(send(http, get(base + "/api/deployments", ALICE)).body());
        assertThat(list.path("deployments"))
            .extracting(n -> n.path("name").asText())
            .containsExactly("visible");

        assertThat(send(http, get(base + "/api/deployments/ml/hidden/metrics", ALICE)).statusCode())
            .isEqualTo(404);
        HttpResponse<String> chat =
            send(
                http,
                HttpRequest.newBuilder(
                        URI.create(base + "/api/deployments/ml/hidden/v1/chat/completions"))
                    .header("Authorization", "Bearer " + ALICE)
                    .POST(HttpRequest.BodyPublishers.ofString("{}"))
                    .build());
        assertThat(chat.statusCode()).isEqualTo(404);
        assertThat(inference.lastBody.get()).as("nothing reached the hidden deployment").isNull();

        try (BrowserSocket ws =
            new BrowserSocket(
                http,
                URI.create(
                    "ws://127.0.0.1:" + gateway.port() + "/ws/telemetry?access_token=" + ALICE))) {
          ws.subscribe("ml", "hidden-0");
          JsonNode refused = ws.await(BrowserSocket.status("down"), Duration.ofSeconds(10));
          assertThat(refused.path("reason").asText()).contains("may see");
        }

        HttpResponse<String> stranger = send(http, get(base + "/api/deployments", "stolen"));
        assertThat(stranger.statusCode()).isEqualTo(401);
        assertThat(stranger.body()).contains("\"type\":\"unauthorized\"");
        assertThat(send(http, get(base + "/api/deployments", null)).statusCode()).isEqualTo(401);
        try (BrowserSocket ws =
            new BrowserSocket(
                http,
                URI.create(
                    "ws://127.0.0.1:" + gateway.port() + "/ws/telemetry?access_token=stolen"))) {
          long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
          while (ws.closeCode.get() < 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
          }
          assertThat(ws.closeCode.get()).isEqualTo(TelemetrySocket.UNAUTHORIZED);
        }
      }
    }
  }

  private static void stubReviews(MockCluster cluster) {
    cluster
        .server
        .expect()
        .post()
        .withPath("/apis/authentication.k8s.io/v1/tokenreviews")
        .andReply(
            201,
            request -> {
              TokenReview asked = Serialization.unmarshal(request.getUtf8Body(), TokenReview.class);
              boolean alice = ALICE.equals(asked.getSpec().getToken());
              return new TokenReviewBuilder(asked)
                  .withNewStatus()
                  .withAuthenticated(alice)
                  .withNewUser()
                  .withUsername(alice ? "alice" : null)
                  .withGroups(alice ? java.util.List.of("system:authenticated") : null)
                  .endUser()
                  .endStatus()
                  .build();
            })
        .always();
    cluster
        .server
        .expect()
        .post()
        .withPath("/apis/authorization.k8s.io/v1/subjectaccessreviews")
        .andReply(
            201,
            request -> {
              SubjectAccessReview asked =
                  Serialization.unmarshal(request.getUtf8Body(), SubjectAccessReview.class);
              var attributes = asked.getSpec().getResourceAttributes();
              boolean allowed =
                  "alice".equals(asked.getSpec().getUser())
                      && "qwenops.io".equals(attributes.getGroup())
                      && "qwendeployments".equals(attributes.getResource())
                      && "get".equals(attributes.getVerb())
                      && "ml".equals(attributes.getNamespace())
                      && "visible".equals(attributes.getName());
              asked.setStatus(
                  new io.fabric8.kubernetes.api.model.authorization.v1
                          .SubjectAccessReviewStatusBuilder()
                      .withAllowed(allowed)
                      .build());
              return asked;
            })
        .always();
  }

  static HttpRequest get(String url, String token) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return b.build();
  }

  static HttpResponse<String> send(HttpClient http, HttpRequest request) throws Exception {
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }
}
