package io.qwenops.operator.desired;

import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.qwenops.operator.crd.ExporterSpec;
import io.qwenops.operator.crd.ModelCacheSpec;
import io.qwenops.operator.crd.QwenDeployment;
import io.qwenops.operator.crd.SecretKeyRef;
import io.qwenops.operator.model.ModelSource;
import io.qwenops.operator.naming.Names;
import java.util.ArrayList;
import java.util.List;

/** The pod's volumes: writable scratch space (the root filesystem is read-only) and model data. */
final class PodVolumes {

  static final String TMP = "tmp";
  static final String EXPORTER_TMP = "exporter-tmp";
  static final String SHM = "dshm";
  static final String SHARED = "qwenops-shared";
  static final String MODEL_CACHE = "model-cache";
  static final String MODEL_SOURCE = "model-source";
  static final String EXPORTER_TOKEN = "exporter-token";

  /** Owner and group read (group: the pod's fsGroup); nobody else. */
  static final int TOKEN_FILE_MODE = 0440;

  private PodVolumes() {}

  static List<Volume> volumes(QwenDeployment qd, ModelSource source) {
    List<Volume> volumes = new ArrayList<>();
    volumes.add(emptyDir(TMP));
    volumes.add(
        new VolumeBuilder()
            .withName(SHM)
            .withNewEmptyDir()
            .withMedium("Memory")
            .endEmptyDir()
            .build());
    volumes.add(emptyDir(SHARED));
    volumes.add(modelCache(qd, source));
    if (source instanceof ModelSource.Pvc pvc) {
      volumes.add(
          new VolumeBuilder()
              .withName(MODEL_SOURCE)
              .withNewPersistentVolumeClaim(pvc.claim(), true)
              .build());
    }
    ExporterSpec exporter = qd.getSpec().getExporter();
    if (exporter.getEnabled()) {
      volumes.add(emptyDir(EXPORTER_TMP));
      if (exporter.getTokenSecretRef() != null) {
        volumes.add(exporterToken(exporter.getTokenSecretRef()));
      }
    }
    return volumes;
  }

  static List<VolumeMount> inferenceMounts(ModelSource source) {
    List<VolumeMount> mounts = new ArrayList<>();
    mounts.add(mount(TMP, PodContract.TMP_DIR, false));
    mounts.add(mount(SHM, PodContract.SHM_DIR, false));
    mounts.add(mount(SHARED, PodContract.SHARED_DIR, false));
    mounts.add(mount(MODEL_CACHE, PodContract.MODEL_CACHE_DIR, false));
    if (source instanceof ModelSource.Pvc) {
      mounts.add(mount(MODEL_SOURCE, PodContract.MODEL_SOURCE_DIR, true));
    }
    return mounts;
  }

  static List<VolumeMount> exporterMounts(boolean token) {
    List<VolumeMount> mounts = new ArrayList<>();
    mounts.add(mount(EXPORTER_TMP, PodContract.TMP_DIR, false));
    mounts.add(mount(SHARED, PodContract.SHARED_DIR, true));
    if (token) {
      // Not under SHARED_DIR: a mount inside a read-only mount needs a directory made there.
      mounts.add(mount(EXPORTER_TOKEN, PodContract.EXPORTER_TOKEN_DIR, true));
    }
    return mounts;
  }

  /** Only the token's key, as the file {@code token}; the sidecar alone mounts it. */
  private static Volume exporterToken(SecretKeyRef ref) {
    return new VolumeBuilder()
        .withName(EXPORTER_TOKEN)
        .withNewSecret()
        .withSecretName(ref.getName())
        .addNewItem()
        .withKey(ref.keyOr(PodContract.DEFAULT_EXPORTER_TOKEN_KEY))
        .withPath("token")
        .endItem()
        .withDefaultMode(TOKEN_FILE_MODE)
        .withOptional(false)
        .endSecret()
        .build();
  }

  private static Volume modelCache(QwenDeployment qd, ModelSource source) {
    ModelCacheSpec cache = qd.getSpec().getModelCache();
    return switch (cache.getType()) {
      // Sized, so a download that outgrows it evicts this pod, not the node's other tenants.
      case None ->
          new VolumeBuilder()
              .withName(MODEL_CACHE)
              .withNewEmptyDir()
              .withSizeLimit(ModelCacheSize.emptyDirSize(cache, source).orElse(null))
              .endEmptyDir()
              .build();
      case ExistingClaim ->
          new VolumeBuilder()
              .withName(MODEL_CACHE)
              .withNewPersistentVolumeClaim(cache.getClaimName(), false)
              .build();
      case Managed ->
          new VolumeBuilder()
              .withName(MODEL_CACHE)
              .withNewPersistentVolumeClaim(Names.modelCacheClaim(qd), false)
              .build();
    };
  }

  private static Volume emptyDir(String name) {
    return new VolumeBuilder().withName(name).withNewEmptyDir().endEmptyDir().build();
  }

  private static VolumeMount mount(String name, String path, boolean readOnly) {
    return new VolumeMountBuilder()
        .withName(name)
        .withMountPath(path)
        .withReadOnly(readOnly)
        .build();
  }
}
