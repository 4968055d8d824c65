package io.qwenops.operator.bench;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Counts the writes (POST, PUT, PATCH) a client sends, by method and resource. */
final class WriteCounter {

  private static final Pattern RESOURCE =
      Pattern.compile("/namespaces/[^/]+/([^/?]+)(?:/[^/?]+)?(/status)?");

  private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

  /** A client to the same server as {@code base} whose writes are counted. */
  KubernetesClient client(KubernetesClient base) {
    return new KubernetesClientBuilder()
        .withConfig(base.getConfiguration())
        .withHttpClientBuilderConsumer(
            b ->
                b.addOrReplaceInterceptor(
                    "count-writes",
                    new Interceptor() {
                      @Override
                      public void before(
                          BasicBuilder builder, HttpRequest request, RequestTags tags) {
                        count(request);
                      }
                    }))
        .build();
  }

  private void count(HttpRequest request) {
    String method = request.method();
    if (!method.equals("POST") && !method.equals("PUT") && !method.equals("PATCH")) {
      return;
    }
    Matcher m = RESOURCE.matcher(request.uri().getRawPath());
    String resource = m.find() ? m.group(1) + (m.group(2) == null ? "" : m.group(2)) : "other";
    counts.computeIfAbsent(method + " " + resource, k -> new LongAdder()).increment();
  }

  /** The counts since the last call, sorted, and a fresh start. */
  synchronized Map<String, Long> takeCounts() {
    Map<String, Long> taken = new TreeMap<>();
    counts.forEach((k, v) -> taken.put(k, v.sumThenReset()));
    taken.values().removeIf(n -> n == 0);
    return taken;
  }
}
