package io.qwenops.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.qwenops.operator.crd.AutoscalingSpec;
import io.qwenops.operator.crd.ModelCacheType;
import io.qwenops.operator.crd.QwenDeployment;
import io.qwenops.operator.it.Fixtures;
import io.qwenops.operator.status.SpecProblem;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A cache only one node can mount, shared by several replicas, is warned about up front. */
class SpecWarningsTest {

  final Map<String, List<String>> claimModes = new java.util.HashMap<>();
  final SpecWarnings warnings =
      new SpecWarnings(
          new ClusterLookup() {
            @Override
            public boolean secretExists(String namespace, String name) {
              return true;
            }

            @Override
            public Optional<Secret> secret(String namespace, String name) {
              return Optional.empty();
            }

            @Override
            public boolean claimExists(String namespace, String name) {
              return claimModes.containsKey(name);
            }

            @Override
            public List<String> claimAccessModes(String namespace, String name) {
              return claimModes.getOrDefault(name, List.of());
            }
          });

  static QwenDeployment managed(int replicas, String accessMode) {
    QwenDeployment qd = Fixtures.qwen("ml", "chat", "hf://Qwen/Qwen2.5-7B-Instruct", replicas);
    qd.getSpec().getModelCache().setType(ModelCacheType.Managed);
    qd.getSpec().getModelCache().setSize(new Quantity("50Gi"));
    qd.getSpec().getModelCache().setAccessMode(accessMode);
    return qd;
  }

  @Test
  void aManagedReadWriteOnceCacheSharedByTwoReplicasIsWarnedAbout() {
    SpecProblem w = warnings.of(managed(2, "ReadWriteOnce")).getFirst();
    assertThat(w.reason()).isEqualTo("SharedReadWriteOnceCache");
    assertThat(w.message())
        .contains("'chat-model-cache' is ReadWriteOnce")
        .contains("Multi-Attach")
        .contains("ReadWriteMany");
  }

  @Test
  void oneReplicaOrAReadWriteManyCacheIsFine() {
    assertThat(warnings.of(managed(1, "ReadWriteOnce"))).isEmpty();
    assertThat(warnings.of(managed(3, "ReadWriteMany"))).isEmpty();
  }

  @Test
  void anAutoscalerThatMayAddReplicasCountsToo() {
    QwenDeployment qd = managed(1, "ReadWriteOncePod");
    AutoscalingSpec autoscaling = new AutoscalingSpec();
    autoscaling.setMaxReplicas(3);
    qd.getSpec().setAutoscaling(autoscaling);
    assertThat(warnings.of(qd))
        .singleElement()
        .satisfies(w -> assertThat(w.message()).contains("up to 3 replicas").contains("one pod"));
  }

  @Test
  void anExistingClaimIsJudgedByTheAccessModesItHas() {
    QwenDeployment qd = Fixtures.qwen("ml", "chat", "hf://Qwen/Qwen2.5-7B-Instruct", 2);
    qd.getSpec().getModelCache().setType(ModelCacheType.ExistingClaim);
    qd.getSpec().getModelCache().setClaimName("weights");
    claimModes.put("weights", List.of("ReadWriteOnce"));
    assertThat(warnings.of(qd))
        .extracting(SpecProblem::reason)
        .containsExactly("SharedReadWriteOnceCache");
    claimModes.put("weights", List.of("ReadWriteOnce", "ReadOnlyMany"));
    assertThat(warnings.of(qd)).isEmpty();
  }
}
