package io.qwenops.operator.it;

import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Records every request a client sends, body included, on the client side: the mock server's own
 * record has the bodies already consumed by its CRUD store.
 */
final class SentRequests {

  /** One request as it left the client. */
  record Sent(String method, String path, String body, String accept) {}

  private final List<Sent> sent = new CopyOnWriteArrayList<>();

  /** A client for the operator, talking to the same mock server, whose requests are recorded. */
  KubernetesClient client(MockCluster cluster, String userAgent) {
    return new KubernetesClientBuilder()
        .withConfig(
            new ConfigBuilder(cluster.client.getConfiguration()).withUserAgent(userAgent).build())
        .withHttpClientBuilderConsumer(
            b ->
                b.addOrReplaceInterceptor(
                    "record-sent",
                    new Interceptor() {
                      @Override
                      public void before(
                          BasicBuilder builder, HttpRequest request, RequestTags tags) {
                        sent.add(
                            new Sent(
                                request.method(),
                                request.uri().getRawPath(),
                                request.bodyString(),
                                request.header("Accept")));
                      }
                    }))
        .build();
  }

  List<Sent> all() {
    return List.copyOf(sent);
  }
}
