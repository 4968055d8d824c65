package io.qwenops.charts;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.stream.Stream;

/** What one helm template produced: the text and the objects. */
record Rendered(String yaml, List<HasMetadata> objects) {

  <T extends HasMetadata> Stream<T> all(Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast);
  }

  Stream<HasMetadata> ofKind(String kind) {
    return objects.stream().filter(o -> kind.equals(o.getKind()));
  }

  <T extends HasMetadata> T one(Class<T> type, String name) {
    return all(type)
        .filter(o -> name.equals(o.getMetadata().getName()))
        .findFirst()
        .orElseThrow(() -> new NoSuchElementException(type.getSimpleName() + " " + name));
  }

  <T extends HasMetadata> T one(Class<T> type, String namespace, String name) {
    return all(type)
        .filter(o -> name.equals(o.getMetadata().getName()))
        .filter(o -> namespace.equals(o.getMetadata().getNamespace()))
        .findFirst()
        .orElseThrow(
            () -> new NoSuchElementException(type.getSimpleName() + " " + namespace + "/" + name));
  }

  Deployment deployment(String name) {
    return one(Deployment.class, name);
  }

  /** Every pod spec the chart renders: Deployments' templates and bare Pods (the helm test). */
  Stream<PodSpec> podSpecs() {
    return Stream.concat(
        all(Deployment.class).map(d -> d.getSpec().getTemplate().getSpec()),
        all(io.fabric8.kubernetes.api.model.Pod.class).map(p -> p.getSpec()));
  }

  Stream<Container> containers() {
    return podSpecs().flatMap(s -> s.getContainers().stream());
  }
}
