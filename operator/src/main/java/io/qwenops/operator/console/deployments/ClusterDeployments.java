package io.qwenops.operator.console.deployments;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.qwenops.operator.crd.QwenDeployment;
import io.qwenops.operator.crd.SecretKeyRef;
import io.qwenops.operator.desired.PodContract;
import io.qwenops.operator.naming.Names;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The cluster's QwenDeployments and their pods, from SharedIndexInformers (all namespaces, or one
 * informer pair per watched namespace). Every informer event rebuilds the snapshot once; browser
 * requests only read it.
 */
public final class ClusterDeployments implements DeploymentSource {

  static final Duration API_KEY_TTL = Duration.ofSeconds(30);

  private final KubernetesClient client;
  private final List<SharedIndexInformer<QwenDeployment>> deploymentInformers = new ArrayList<>();
  private final List<SharedIndexInformer<Pod>> podInformers = new ArrayList<>();
  private final ChangeCounter changes = new ChangeCounter();
  private final Map<String, CachedKey> apiKeys = new ConcurrentHashMap<>();
  private volatile List<ConsoleDeployment> snapshot = List.of();

  private record CachedKey(Optional<String> key, long atNanos) {}

  private final ServiceAddress serviceAddress;

  private ClusterDeployments(KubernetesClient client, ServiceAddress serviceAddress) {
    this.client = client;
    this.serviceAddress = serviceAddress;
  }

  /** Starts the informers and waits until their first lists are in. */
  public static ClusterDeployments start(KubernetesClient client, Set<String> namespaces) {
    return start(client, namespaces, ServiceAddress.CLUSTER_DNS);
  }

  public static ClusterDeployments start(
      KubernetesClient client, Set<String> namespaces, ServiceAddress serviceAddress) {
    ClusterDeployments source = new ClusterDeployments(client, serviceAddress);
    ResourceEventHandler<HasMetadata> onChange = source.handler();
    if (namespaces.isEmpty()) {
      source.watch(
          client.resources(QwenDeployment.class).inAnyNamespace().runnableInformer(0),
          client
              .pods()
              .inAnyNamespace()
              .withLabel(Names.LABEL_NAME, Names.APP_NAME)
              .runnableInformer(0),
          onChange);
    } else {
      for (String ns : namespaces) {
        source.watch(
            client.resources(QwenDeployment.class).inNamespace(ns).runnableInformer(0),
            client
                .pods()
                .inNamespace(ns)
                .withLabel(Names.LABEL_NAME, Names.APP_NAME)
                .runnableInformer(0),
            onChange);
      }
    }
    source.deploymentInformers.forEach(i -> i.start().toCompletableFuture().join());
    source.podInformers.forEach(i -> i.start().toCompletableFuture().join());
    source.rebuild();
    return source;
  }

  @SuppressWarnings("unchecked")
  private void watch(
      SharedIndexInformer<QwenDeployment> deployments,
      SharedIndexInformer<Pod> pods,
      ResourceEventHandler<HasMetadata> onChange) {
    deployments.addEventHandler(
        (ResourceEventHandler<QwenDeployment>) (ResourceEventHandler<?>) onChange);
    pods.addEventHandler((ResourceEventHandler<Pod>) (ResourceEventHandler<?>) onChange);
    deploymentInformers.add(deployments);
    podInformers.add(pods);
  }

  private ResourceEventHandler<HasMetadata> handler() {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(HasMetadata obj) {
        rebuild();
      }

      @Override
      public void onUpdate(HasMetadata oldObj, HasMetadata newObj) {
        rebuild();
      }

      @Override
      public void onDelete(HasMetadata obj, boolean deletedFinalStateUnknown) {
        rebuild();
      }
    };
  }

  private synchronized void rebuild() {
    Map<String, List<Pod>> podsByInstance = new HashMap<>();
    for (SharedIndexInformer<Pod> informer : podInformers) {
      for (Pod pod : informer.getStore().list()) {
        Map<String, String> labels = pod.getMetadata().getLabels();
        String instance = labels == null ? null : labels.get(Names.LABEL_INSTANCE);
        if (instance != null) {
          podsByInstance
              .computeIfAbsent(
                  pod.getMetadata().getNamespace() + "/" + instance, k -> new ArrayList<>())
              .add(pod);
        }
      }
    }
    List<ConsoleDeployment> next = new ArrayList<>();
    for (SharedIndexInformer<QwenDeployment> informer : deploymentInformers) {
      for (QwenDeployment qd : informer.getStore().list()) {
        if (qd.getSpec() == null) {
          continue;
        }
        String key = qd.getMetadata().getNamespace() + "/" + qd.getMetadata().getName();
        next.add(
            DeploymentViews.of(qd, podsByInstance.getOrDefault(key, List.of()), serviceAddress));
      }
    }
    next.sort(
        Comparator.comparing(ConsoleDeployment::namespace).thenComparing(ConsoleDeployment::name));
    if (!next.equals(snapshot)) {
      snapshot = List.copyOf(next);
      changes.bump();
    }
  }

  @Override
  public List<ConsoleDeployment> deployments() {
    return snapshot;
  }

  @Override
  public Optional<String> apiKey(ConsoleDeployment deployment) {
    SecretKeyRef ref = deployment.apiKeySecretRef();
    if (ref == null || ref.getName() == null) {
      return Optional.empty();
    }
    String key = ref.keyOr(PodContract.DEFAULT_API_KEY_KEY);
    String cacheKey = deployment.namespace() + "/" + ref.getName() + "/" + key;
    CachedKey cached = apiKeys.get(cacheKey);
    if (cached != null && System.nanoTime() - cached.atNanos() < API_KEY_TTL.toNanos()) {
      return cached.key();
    }
    Secret secret =
        client.secrets().inNamespace(deployment.namespace()).withName(ref.getName()).get();
    Optional<String> value =
        Optional.ofNullable(secret)
            .map(Secret::getData)
            .map(data -> data.get(key))
            .map(
                b64 -> new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8).strip());
    apiKeys.put(cacheKey, new CachedKey(value, System.nanoTime()));
    return value;
  }

  @Override
  public long version() {
    return changes.version();
  }

  @Override
  public long awaitChange(long seen, Duration timeout) throws InterruptedException {
    return changes.awaitChange(seen, timeout);
  }

  @Override
  public void close() {
    deploymentInformers.forEach(SharedIndexInformer::close);
    podInformers.forEach(SharedIndexInformer::close);
  }
}
