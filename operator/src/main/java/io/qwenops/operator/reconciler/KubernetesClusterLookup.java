package io.qwenops.operator.reconciler;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Direct reads: the operator reads only the Secrets a spec names and never caches them, and the
 * Events of pods that wait on their volumes.
 */
public final class KubernetesClusterLookup implements ClusterLookup {

  /**
   * Asks the API server for the object's metadata only (the server strips {@code data}). RBAC has
   * no metadata-only verb, so this needs the same {@code get}; what it saves is the values
   * travelling to, and living in, the operator.
   */
  static final String METADATA_ONLY =
      "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json";

  private final KubernetesClient client;

  public KubernetesClusterLookup(KubernetesClient client) {
    this.client = client;
  }

  @Override
  public boolean secretExists(String namespace, String name) {
    String url =
        client.getMasterUrl().toString().replaceAll("/+$", "")
            + "/api/v1/namespaces/"
            + segment(namespace)
            + "/secrets/"
            + segment(name);
    var request =
        client.getHttpClient().newHttpRequestBuilder().uri(url).header("Accept", METADATA_ONLY);
    HttpResponse<String> response;
    try {
      response =
          client
              .getHttpClient()
              .sendAsync(request.build(), String.class)
              .get(client.getConfiguration().getRequestTimeout(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KubernetesClientException("interrupted while reading Secret " + name, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new KubernetesClientException("could not read Secret " + name + ": " + e, e);
    }
    return switch (response.code()) {
      case 200 -> true;
      case 404 -> false;
      default ->
          throw new KubernetesClientException(
              "reading Secret " + namespace + "/" + name + " answered HTTP " + response.code(),
              response.code(),
              null);
    };
  }

  @Override
  public Optional<Secret> secret(String namespace, String name) {
    return Optional.ofNullable(client.secrets().inNamespace(namespace).withName(name).get());
  }

  @Override
  public boolean claimExists(String namespace, String name) {
    return client.persistentVolumeClaims().inNamespace(namespace).withName(name).get() != null;
  }

  @Override
  public List<String> claimAccessModes(String namespace, String name) {
    var claim = client.persistentVolumeClaims().inNamespace(namespace).withName(name).get();
    return claim == null || claim.getSpec() == null || claim.getSpec().getAccessModes() == null
        ? List.of()
        : claim.getSpec().getAccessModes();
  }

  @Override
  public List<Event> podEvents(String namespace, String podName, String podUid) {
    return client
        .v1()
        .events()
        .inNamespace(namespace)
        .withFields(Map.of("involvedObject.name", podName, "involvedObject.uid", podUid))
        .list()
        .getItems()
        .stream()
        // A pod of the same name before it: its Events are not this pod's.
        .filter(e -> e.getInvolvedObject() != null)
        .filter(e -> podUid.equals(e.getInvolvedObject().getUid()))
        .toList();
  }

  /** A name the spec gave, put in a path: never more than one segment. */
  private static String segment(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
