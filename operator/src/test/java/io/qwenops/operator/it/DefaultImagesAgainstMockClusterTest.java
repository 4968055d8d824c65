package io.qwenops.operator.it;

import static io.qwenops.operator.it.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.qwenops.operator.app.OperatorSettings;
import io.qwenops.operator.app.QwenOperator;
import io.qwenops.operator.crd.QwenDeployment;
import io.qwenops.operator.desired.DefaultImages;
import io.qwenops.operator.reconciler.InvalidSpecBackoff;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An operator upgrade moves the images of every QwenDeployment that pins none: the operator is
 * restarted with other default images, as `helm upgrade` would restart it.
 */
class DefaultImagesAgainstMockClusterTest {

  static final DefaultImages OLD =
      new DefaultImages("registry.local/inference-pod:1.0", "registry.local/gpu-exporter:1.0");
  static final DefaultImages NEW =
      new DefaultImages("registry.local/inference-pod:1.1", "registry.local/gpu-exporter:1.1");

  static Operator operator(MockCluster cluster, DefaultImages images) {
    Operator operator =
        QwenOperator.create(
            cluster.client,
            OperatorSettings.standalone(2).withDefaultImages(images),
            new SimpleMeterRegistry(),
            new InvalidSpecBackoff(Duration.ofMillis(200), Duration.ofSeconds(1)));
    operator.start();
    return operator;
  }

  static List<String> images(MockCluster cluster, String name) {
    Deployment d = cluster.client.apps().deployments().inNamespace("team").withName(name).get();
    assertThat(d).as("Deployment " + name).isNotNull();
    return d.getSpec().getTemplate().getSpec().getContainers().stream()
        .map(Container::getImage)
        .toList();
  }

  @Test
  void restartingTheOperatorWithOtherDefaultsMovesUnpinnedDeploymentsOnly() {
    try (MockCluster cluster = new MockCluster()) {
      cluster
          .client
          .resource(Fixtures.qwen("team", "follows", "hf://Qwen/Qwen2.5-0.5B", 1))
          .create();
      QwenDeployment pinned = Fixtures.qwen("team", "pinned", "hf://Qwen/Qwen2.5-0.5B", 1);
      pinned.getSpec().getImages().setInference("registry.local/inference-pod@sha256:abc");
      cluster.client.resource(pinned).create();

      Operator old = operator(cluster, OLD);
      try {
        eventually(
            () -> {
              assertThat(images(cluster, "follows"))
                  .containsExactly(OLD.inference(), OLD.exporter());
              assertThat(images(cluster, "pinned"))
                  .containsExactly("registry.local/inference-pod@sha256:abc", OLD.exporter());
            });
      } finally {
        old.stop();
      }
      assertThat(
              cluster
                  .client
                  .resources(QwenDeployment.class)
                  .inNamespace("team")
                  .withName("follows")
                  .get()
                  .getSpec()
                  .getImages()
                  .getInference())
          .as("the operator never writes its default into the QwenDeployment")
          .isNull();

      Operator upgraded = operator(cluster, NEW);
      try {
        eventually(
            () -> {
              assertThat(images(cluster, "follows"))
                  .containsExactly(NEW.inference(), NEW.exporter());
              assertThat(images(cluster, "pinned"))
                  .containsExactly("registry.local/inference-pod@sha256:abc", NEW.exporter());
            });
      } finally {
        upgraded.stop();
      }
    }
  }
}
