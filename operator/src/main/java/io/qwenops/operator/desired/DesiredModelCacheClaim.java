package io.qwenops.operator.desired;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.qwenops.operator.crd.ModelCacheSpec;
import io.qwenops.operator.crd.QwenDeployment;
import io.qwenops.operator.naming.Names;
import java.util.Map;

/** The PVC for downloaded weights when modelCache.type is Managed. */
public final class DesiredModelCacheClaim {

  private DesiredModelCacheClaim() {}

  public static PersistentVolumeClaim of(QwenDeployment qd) {
    ModelCacheSpec cache = qd.getSpec().getModelCache();
    return new PersistentVolumeClaimBuilder()
        .withNewMetadata()
        .withName(Names.modelCacheClaim(qd))
        .withNamespace(qd.getMetadata().getNamespace())
        .withLabels(Names.labels(qd))
        .endMetadata()
        .withNewSpec()
        .withAccessModes(cache.getAccessMode())
        .withStorageClassName(cache.getStorageClassName())
        .withNewResources()
        .withRequests(cache.getSize() == null ? Map.of() : Map.of("storage", cache.getSize()))
        .endResources()
        .endSpec()
        .build();
  }
}
