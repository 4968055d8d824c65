package io.qwenops.operator.reconciler;

import io.qwenops.operator.crd.ModelCacheSpec;
import io.qwenops.operator.crd.QwenDeployment;
import io.qwenops.operator.crd.QwenDeploymentSpec;
import io.qwenops.operator.naming.Names;
import io.qwenops.operator.status.SpecProblem;
import java.util.ArrayList;
import java.util.List;

/**
 * What in a valid spec is likely to go wrong on a real cluster, reported (the {@code SpecWarning}
 * condition) without stopping the rollout: a cache claim only one node (or one pod) can mount,
 * shared by several replicas, shows up as pods stuck in Multi-Attach with no word in status.
 */
public final class SpecWarnings {

  public static final String SHARED_READ_WRITE_ONCE_CACHE = "SharedReadWriteOnceCache";

  private final ClusterLookup cluster;

  public SpecWarnings(ClusterLookup cluster) {
    this.cluster = cluster;
  }

  public List<SpecProblem> of(QwenDeployment qd) {
    List<SpecProblem> warnings = new ArrayList<>();
    sharedSingleNodeCache(qd).ifPresent(warnings::add);
    return warnings;
  }

  /** The most pods that may run at once: replicas, or the autoscaler's ceiling. */
  static int mostReplicas(QwenDeploymentSpec spec) {
    int replicas = spec.getReplicas() == null ? 1 : spec.getReplicas();
    if (spec.getAutoscaling() != null && spec.getAutoscaling().getMaxReplicas() != null) {
      replicas = Math.max(replicas, spec.getAutoscaling().getMaxReplicas());
    }
    return replicas;
  }

  private java.util.Optional<SpecProblem> sharedSingleNodeCache(QwenDeployment qd) {
    int replicas = mostReplicas(qd.getSpec());
    ModelCacheSpec cache = qd.getSpec().getModelCache();
    if (replicas < 2) {
      return java.util.Optional.empty();
    }
    String claim;
    List<String> modes;
    switch (cache.getType()) {
      case Managed -> {
        claim = Names.modelCacheClaim(qd);
        modes = List.of(cache.getAccessMode() == null ? "ReadWriteOnce" : cache.getAccessMode());
      }
      case ExistingClaim -> {
        claim = cache.getClaimName();
        modes = cluster.claimAccessModes(qd.getMetadata().getNamespace(), claim);
      }
      default -> {
        return java.util.Optional.empty();
      }
    }
    boolean shareable = modes.contains("ReadWriteMany") || modes.contains("ReadOnlyMany");
    if (modes.isEmpty() || shareable) {
      return java.util.Optional.empty();
    }
    String mode = modes.contains("ReadWriteOnce") ? "ReadWriteOnce" : "ReadWriteOncePod";
    String who =
        mode.equals("ReadWriteOnce")
            ? "pods on a second node cannot mount it (Multi-Attach) and stay Pending"
            : "only one pod at a time can mount it; the others stay Pending";
    return java.util.Optional.of(
        new SpecProblem(
            SHARED_READ_WRITE_ONCE_CACHE,
            "model cache claim '"
                + claim
                + "' is "
                + mode
                + " and up to "
                + replicas
                + " replicas share it: "
                + who
                + ". Use a ReadWriteMany claim (modelCache.accessMode ReadWriteMany with a"
                + " storage class that offers it), modelCache.type None for a cache per pod, or"
                + " keep one replica"));
  }
}
