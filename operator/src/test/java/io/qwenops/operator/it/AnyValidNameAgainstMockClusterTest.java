package io.qwenops.operator.it;

import static io.qwenops.operator.it.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.qwenops.operator.app.OperatorSettings;
import io.qwenops.operator.app.QwenOperator;
import io.qwenops.operator.crd.ModelCacheType;
import io.qwenops.operator.crd.PodSummary;
import io.qwenops.operator.crd.QwenDeployment;
import io.qwenops.operator.desired.DesiredDeployment;
import io.qwenops.operator.naming.Names;
import io.qwenops.operator.naming.ValidName;
import io.qwenops.operator.reconciler.InvalidSpecBackoff;
import io.qwenops.operator.status.PodGpuLookup;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * QwenDeployments whose names are valid resource names but not valid Service names or label values
 * (dots, a leading digit, 253 characters). The mock API server does not enforce name rules, so
 * every object the operator sends is checked here against the rules a real API server applies.
 */
class AnyValidNameAgainstMockClusterTest {

  static final String AGENT = "qwenops-operator-names";
  static final ObjectMapper JSON = new ObjectMapper();
  static final String NS = "names";
  static final String LONGEST =
      String.join(".", "a".repeat(62) + "b", "a".repeat(62) + "b", "a".repeat(62) + "b")
          + "."
          + "c".repeat(61);

  MockCluster cluster;
  final SentRequests sent = new SentRequests();
  KubernetesClient operatorClient;
  Operator operator;

  @BeforeEach
  void start() {
    cluster = new MockCluster();
    operatorClient = sent.client(cluster, AGENT);
    operator =
        QwenOperator.create(
            operatorClient,
            OperatorSettings.standalone(2),
            new SimpleMeterRegistry(),
            new InvalidSpecBackoff(Duration.ofMillis(200), Duration.ofSeconds(1)),
            PodGpuLookup.NONE);
    operator.start();
  }

  @AfterEach
  void stop() {
    operator.stop();
    operatorClient.close();
    cluster.close();
  }

  static QwenDeployment qwen(String name) {
    QwenDeployment qd = Fixtures.qwen(NS, name, "hf://Qwen/Qwen2.5-0.5B-Instruct", 2);
    qd.getSpec().getModelCache().setType(ModelCacheType.Managed);
    qd.getSpec().getModelCache().setSize(new Quantity("10Gi"));
    return qd;
  }

  @Test
  void everyValidResourceNameGetsItsServiceAndEveryNameSentIsValid() throws Exception {
    KubernetesClient client = cluster.client;
    List<String> names = List.of("qwen2.5-0.5b", "qwen2-5.0-5b", "7b-chat", LONGEST);
    for (String name : names) {
      client.resource(qwen(name)).create();
    }
    for (String name : names) {
      QwenDeployment qd = qwen(name);
      eventually(
          () -> {
            assertThat(client.services().inNamespace(NS).withName(Names.service(qd)).get())
                .as("Service of " + name)
                .isNotNull();
            assertThat(
                    client
                        .apps()
                        .deployments()
                        .inNamespace(NS)
                        .withName(Names.deployment(qd))
                        .get())
                .isNotNull();
            assertThat(
                    client
                        .policy()
                        .v1()
                        .podDisruptionBudget()
                        .inNamespace(NS)
                        .withName(Names.podDisruptionBudget(qd))
                        .get())
                .isNotNull();
            assertThat(
                    client
                        .persistentVolumeClaims()
                        .inNamespace(NS)
                        .withName(Names.modelCacheClaim(qd))
                        .get())
                .isNotNull();
            QwenDeployment now = get(client, name);
            assertThat(now.getStatus()).isNotNull();
            assertThat(now.getStatus().getEndpoint())
                .isEqualTo("http://" + Names.service(qd) + "." + NS + ".svc:8000/v1");
          });
    }
    assertThat(client.services().inNamespace(NS).list().getItems())
        .as("two names that sanitise alike still get a Service each")
        .hasSize(names.size());
    assertThat(Names.service(qwen("qwen2.5-0.5b"))).startsWith("qwen2-5-0-5b-");

    // A pod of the 253-character one carries the shortened instance label; it still finds home.
    Deployment d =
        client.apps().deployments().inNamespace(NS).withName(Names.deployment(qwen(LONGEST))).get();
    client
        .resource(OperatorAgainstMockClusterTest.pod(NS, d, "long-0", "node-1", null, true))
        .create();
    eventually(
        () ->
            assertThat(get(client, LONGEST).getStatus().getPods())
                .extracting(PodSummary::getName)
                .containsExactly("long-0"));

    List<String> checked = checkEverythingTheOperatorSent();
    assertThat(checked)
        .as("the operator's writes were seen and checked")
        .anyMatch(s -> s.startsWith("Service qwen2-5-0-5b-"))
        .anyMatch(s -> s.startsWith("Deployment qd-7b-chat-"))
        .anyMatch(s -> s.startsWith("PersistentVolumeClaim aaaa"));
  }

  @Test
  void aDeploymentLeftUnderTheOldNameIsDeleted() {
    KubernetesClient client = cluster.client;
    QwenDeployment created = client.resource(qwen("qwen2.5-0.5b")).create();
    String current = Names.deployment(created);
    eventually(
        () ->
            assertThat(client.apps().deployments().inNamespace(NS).withName(current).get())
                .isNotNull());

    // What an operator before the naming rules made, still holding GPUs.
    Deployment old =
        new DeploymentBuilder(DesiredDeployment.of(created))
            .editMetadata()
            .withName("qwen2.5-0.5b")
            .addNewOwnerReference()
            .withApiVersion(created.getApiVersion())
            .withKind(created.getKind())
            .withName(created.getMetadata().getName())
            .withUid(created.getMetadata().getUid())
            .withController(true)
            .withBlockOwnerDeletion(true)
            .endOwnerReference()
            .endMetadata()
            .build();
    client.resource(old).create();

    eventually(
        () -> {
          assertThat(client.apps().deployments().inNamespace(NS).withName("qwen2.5-0.5b").get())
              .as("the leftover is gone")
              .isNull();
          assertThat(client.apps().deployments().inNamespace(NS).withName(current).get())
              .isNotNull();
          assertThat(get(client, "qwen2.5-0.5b").getStatus().getConditions())
              .filteredOn(c -> c.getType().equals("Degraded"))
              .extracting(c -> c.getStatus())
              .containsExactly("False");
        });
  }

  /** Checks each object the operator created, updated or applied; returns "Kind name" for each. */
  List<String> checkEverythingTheOperatorSent() throws IOException {
    List<String> checked = new ArrayList<>();
    for (SentRequests.Sent request : sent.all()) {
      boolean wholeObject =
          List.of("POST", "PUT").contains(request.method())
              || (request.method().equals("PATCH")
                  && request.contentType() != null
                  && request.contentType().startsWith("application/apply-patch"));
      if (!wholeObject || request.body() == null) {
        continue;
      }
      JsonNode body = JSON.readTree(request.body());
      String kind = body.path("kind").asText();
      String name = body.path("metadata").path("name").asText();
      switch (kind) {
        case "Service", "Deployment", "PodDisruptionBudget", "PersistentVolumeClaim" ->
            assertThat(ValidName.isDns1035Label(name)).as(kind + " name " + name).isTrue();
        case "Event" ->
            assertThat(ValidName.isDns1123Subdomain(name)).as("Event name " + name).isTrue();
        default -> {
          continue;
        }
      }
      assertLabelValuesValid(kind + " " + name, body);
      checked.add(kind + " " + name);
    }
    return checked;
  }

  /** Every label map in the object (metadata, pod template, selectors) holds valid values. */
  static void assertLabelValuesValid(String what, JsonNode node) {
    node.fields()
        .forEachRemaining(
            field -> {
              boolean labelMap =
                  List.of("labels", "matchLabels").contains(field.getKey())
                      || (field.getKey().equals("selector") && what.startsWith("Service"));
              if (labelMap && field.getValue().isObject()) {
                field
                    .getValue()
                    .fields()
                    .forEachRemaining(
                        l ->
                            assertThat(ValidName.isLabelValue(l.getValue().asText()))
                                .as(what + ": label " + l.getKey() + "=" + l.getValue().asText())
                                .isTrue());
              } else if (field.getValue().isContainerNode()) {
                assertLabelValuesValid(what, field.getValue());
              }
            });
    if (node.isArray()) {
      node.forEach(item -> assertLabelValuesValid(what, item));
    }
  }

  static QwenDeployment get(KubernetesClient client, String name) {
    return client.resources(QwenDeployment.class).inNamespace(NS).withName(name).get();
  }
}
