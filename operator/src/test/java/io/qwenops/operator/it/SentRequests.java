package io.qwenops.operator.it;

import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.http.StandardHttpRequest;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Records every request a client sends, body included, on the client side: the mock server's own
 * record has the bodies already consumed by its CRUD store.
 */
final class SentRequests {

  /** One request as it left the client. */
  record Sent(
      String method, String path, String body, String accept, String contentType, String query) {

    /** A create, update, patch or apply (what changes the cluster). */
    boolean isWrite() {
      return method.equals("POST") || method.equals("PUT") || method.equals("PATCH");
    }
  }

  private final List<Sent> sent = new CopyOnWriteArrayList<>();

  /** Runs on the sending thread before each request leaves: a test's way to race it. */
  private volatile Consumer<Sent> beforeSend = s -> {};

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
                        Sent one =
                            new Sent(
                                request.method(),
                                request.uri().getRawPath(),
                                request.bodyString(),
                                request.header("Accept"),
                                request instanceof StandardHttpRequest standard
                                    ? standard.getContentType()
                                    : request.header("Content-Type"),
                                request.uri().getRawQuery());
                        beforeSend.accept(one);
                        sent.add(one);
                      }
                    }))
        .build();
  }

  void beforeSend(Consumer<Sent> hook) {
    this.beforeSend = hook;
  }

  List<Sent> all() {
    return List.copyOf(sent);
  }
}
