package io.qwenops.operator.it;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;

/**
 * fabric8's mock API server in CRUD mode with our generated CRD installed: the stand-in for a
 * cluster this machine does not have.
 */
public final class MockCluster implements AutoCloseable {

  /** The mock server logs every request at INFO; keep a reference so the level sticks. */
  private static final java.util.logging.Logger MOCK_LOG =
      java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  public final KubernetesMockServer server;
  public final KubernetesClient client;

  public MockCluster() {
    MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
    // CRUD mode with expectations first (as fabric8's mixed dispatcher): tests may add a few
    // answers the CRUD store cannot give, such as access reviews. Server-side apply and stale
    // status updates answer as a real server does (ApplyingCrudDispatcher).
    Map<ServerRequest, Queue<ServerResponse>> expectations = new HashMap<>();
    server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            expectations,
            new ApplyingCrudDispatcher(expectations),
            false);
    server.init();
    client = server.createClient();
    client.apiextensions().v1().customResourceDefinitions().resource(crd()).create();
  }

  static CustomResourceDefinition crd() {
    Path file =
        Path.of(System.getProperty("qwenops.crd.committed", "../crds"))
            .resolve("qwendeployments.qwenops.io-v1.yml");
    try {
      return Serialization.unmarshal(Files.readString(file), CustomResourceDefinition.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }
}
