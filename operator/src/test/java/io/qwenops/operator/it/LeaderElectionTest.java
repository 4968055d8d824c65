package io.qwenops.operator.it;

import static io.qwenops.operator.it.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.qwenops.operator.app.OperatorSettings;
import io.qwenops.operator.app.QwenOperator;
import io.qwenops.operator.desired.DefaultImages;
import io.qwenops.operator.reconciler.InvalidSpecBackoff;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Two operator replicas on one cluster: one reconciles, the other takes over when it goes. */
class LeaderElectionTest {

  static Operator replica(MockCluster cluster, String identity) {
    OperatorSettings settings =
        new OperatorSettings(
            Set.of(),
            true,
            "qwenops-operator-leader",
            "qwenops-system",
            identity,
            Duration.ofSeconds(2),
            false,
            0,
            2,
            DefaultImages.BUILD);
    return QwenOperator.create(
        cluster.client, settings, new SimpleMeterRegistry(), InvalidSpecBackoff.standard());
  }

  static String holder(MockCluster cluster) {
    Lease lease =
        cluster
            .client
            .leases()
            .inNamespace("qwenops-system")
            .withName("qwenops-operator-leader")
            .get();
    return lease == null ? null : lease.getSpec().getHolderIdentity();
  }

  @Test
  void onlyTheLeaseHolderReconcilesAndAStandbyTakesOver() {
    try (MockCluster cluster = new MockCluster()) {
      cluster
          .server
          .expect()
          .post()
          .withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
          .andReturn(201, RbacCoversTheOperatorTest.rulesReview(leaseRules()))
          .always();
      Operator first = replica(cluster, "operator-a");
      Operator second = replica(cluster, "operator-b");
      first.start();
      eventually(() -> assertThat(holder(cluster)).isEqualTo("operator-a"));
      second.start();
      try {
        cluster
            .client
            .resource(Fixtures.qwen("ml", "one", "hf://Qwen/Qwen2.5-0.5B-Instruct", 1))
            .create();
        eventually(
            () ->
                assertThat(
                        cluster.client.apps().deployments().inNamespace("ml").withName("one").get())
                    .isNotNull());
        assertThat(holder(cluster))
            .as("the standby did not steal the lease")
            .isEqualTo("operator-a");

        first.stop();
        eventually(
            Duration.ofSeconds(30), () -> assertThat(holder(cluster)).isEqualTo("operator-b"));
        cluster
            .client
            .resource(Fixtures.qwen("ml", "two", "hf://Qwen/Qwen2.5-0.5B-Instruct", 1))
            .create();
        eventually(
            () ->
                assertThat(
                        cluster.client.apps().deployments().inNamespace("ml").withName("two").get())
                    .as("the new leader reconciles")
                    .isNotNull());
      } finally {
        first.stop();
        second.stop();
      }
    }
  }

  static java.util.List<io.fabric8.kubernetes.api.model.rbac.PolicyRule> leaseRules() {
    try {
      return RbacCoversTheOperatorTest.loadRbac().leases();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
