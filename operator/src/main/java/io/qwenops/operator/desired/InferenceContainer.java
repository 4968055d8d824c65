package io.qwenops.operator.desired;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.qwenops.operator.crd.EngineSpec;
import io.qwenops.operator.crd.QwenDeploymentSpec;
import io.qwenops.operator.crd.ResourcesSpec;
import io.qwenops.operator.crd.SecretKeyRef;
import io.qwenops.operator.model.ModelSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The inference container: the OpenAI server on 8000, configured through QWENOPS_* env. */
final class InferenceContainer {

  private InferenceContainer() {}

  static Container build(QwenDeploymentSpec spec, ModelSource source, DefaultImages images) {
    return new ContainerBuilder()
        .withName(PodContract.INFERENCE_CONTAINER)
        .withImage(images.inferenceFor(spec.getImages()))
        .withImagePullPolicy(spec.getImages().getPullPolicy())
        .withArgs(
            spec.getEngine().getExtraArgs() == null ? List.of() : spec.getEngine().getExtraArgs())
        .withEnv(env(spec, source))
        .withEnvFrom(spec.getEnvFrom() == null ? List.of() : spec.getEnvFrom())
        .addNewPort()
        .withName(PodContract.OPENAI_PORT_NAME)
        .withContainerPort(PodContract.OPENAI_PORT)
        .withProtocol("TCP")
        .endPort()
        .withResources(resources(spec, source))
        .withVolumeMounts(PodVolumes.inferenceMounts(source))
        .withStartupProbe(PodTiming.startup(spec))
        .withLivenessProbe(PodTiming.liveness())
        .withReadinessProbe(PodTiming.readiness())
        .withLifecycle(PodTiming.preStopSleep())
        // A failed load exits with its reason as the termination message (or, failing that, the
        // log's tail): kubectl describe and the QwenDeployment's status show it.
        .withTerminationMessagePolicy(PodContract.TERMINATION_MESSAGE_POLICY)
        .withSecurityContext(SecurityDefaults.container())
        .build();
  }

  /** Where the container finds the checkpoint: the hf:// URI, or a local path. */
  static String modelLocation(ModelSource source) {
    return switch (source) {
      case ModelSource.HuggingFace hf -> "hf://" + hf.repo() + "@" + hf.revision();
      case ModelSource.Pvc pvc -> PodContract.MODEL_SOURCE_DIR + pvc.path().replaceAll("/+$", "");
      case ModelSource.ImagePath path -> path.path();
    };
  }

  private static List<EnvVar> env(QwenDeploymentSpec spec, ModelSource source) {
    EngineSpec engine = spec.getEngine();
    String servedName =
        spec.getModel().getServedName() == null
            ? source.defaultServedName()
            : spec.getModel().getServedName();
    Map<String, String> plain = new LinkedHashMap<>();
    plain.put(PodContract.ENV_MODEL, modelLocation(source));
    plain.put(PodContract.ENV_SERVED_MODEL_NAME, servedName);
    plain.put(PodContract.ENV_DTYPE, engine.getDtype());
    putIfSet(plain, PodContract.ENV_QUANTIZATION, engine.getQuantization());
    putIfSet(plain, PodContract.ENV_MAX_MODEL_LEN, engine.getMaxModelLen());
    putIfSet(plain, PodContract.ENV_MAX_NUM_SEQS, engine.getMaxNumSeqs());
    putIfSet(plain, PodContract.ENV_MAX_NUM_BATCHED_TOKENS, engine.getMaxNumBatchedTokens());
    putIfSet(plain, PodContract.ENV_GPU_MEMORY_UTILIZATION, engine.getGpuMemoryUtilization());
    plain.put(PodContract.ENV_PORT, Integer.toString(PodContract.OPENAI_PORT));
    plain.put(PodContract.ENV_DRAIN_SECONDS, Integer.toString(PodTiming.drainSeconds(spec)));
    plain.put(PodContract.ENV_HF_HOME, PodContract.MODEL_CACHE_DIR + "/huggingface");
    plain.put(PodContract.ENV_GPU_UUIDS_FILE, PodContract.GPU_UUIDS_FILE);
    plain.put(PodContract.ENV_JDK_JAVA_OPTIONS, PodContract.INFERENCE_JAVA_OPTIONS);

    List<EnvVar> env = new ArrayList<>();
    plain.forEach((name, value) -> env.add(new EnvVar(name, value, null)));
    SecretKeyRef hfToken = spec.getModel().getHfTokenSecretRef();
    if (hfToken != null) {
      env.add(fromSecret(PodContract.ENV_HF_TOKEN, hfToken, PodContract.DEFAULT_HF_TOKEN_KEY));
    }
    if (spec.getApiKeySecretRef() != null) {
      env.add(
          fromSecret(
              PodContract.ENV_API_KEY, spec.getApiKeySecretRef(), PodContract.DEFAULT_API_KEY_KEY));
    }
    // After the operator's, so a user value may refer to them as $(NAME); the schema and
    // SpecValidator refuse a user entry that names one of them.
    if (spec.getEnv() != null) {
      env.addAll(spec.getEnv());
    }
    return env;
  }

  private static void putIfSet(Map<String, String> env, String name, Object value) {
    if (value != null) {
      env.put(name, value.toString());
    }
  }

  private static EnvVar fromSecret(String name, SecretKeyRef ref, String defaultKey) {
    return new EnvVarBuilder()
        .withName(name)
        .withNewValueFrom()
        .withNewSecretKeyRef(ref.keyOr(defaultKey), ref.getName(), false)
        .endValueFrom()
        .build();
  }

  private static ResourceRequirements resources(QwenDeploymentSpec spec, ModelSource source) {
    ResourcesSpec resources = spec.getResources();
    Map<String, Quantity> requests = new LinkedHashMap<>();
    Map<String, Quantity> limits = new LinkedHashMap<>();
    // The scheduler then places the pod only where the download fits on the node's disk.
    Optional.ofNullable(resources.getEphemeralStorage())
        .or(() -> ModelCacheSize.ephemeralStorage(spec.getModelCache(), source))
        .ifPresent(
            q -> {
              requests.put("ephemeral-storage", q);
              limits.put("ephemeral-storage", q);
            });
    int gpus = GpuAccess.deviceCount(spec);
    if (gpus > 0) {
      // Extended resources must have request == limit.
      requests.put(resources.gpuResourceOrDefault(), new Quantity(Integer.toString(gpus)));
      limits.put(resources.gpuResourceOrDefault(), new Quantity(Integer.toString(gpus)));
    }
    if (resources.getCpu() != null) {
      requests.put("cpu", resources.getCpu());
    }
    if (resources.getMemory() != null) {
      // Memory is not compressible: the limit equals the request so the pod is never overcommitted.
      requests.put("memory", resources.getMemory());
      limits.put("memory", resources.getMemory());
    }
    return new ResourceRequirementsBuilder()
        .withRequests(requests)
        .withLimits(limits)
        .withClaims(GpuAccess.inferenceClaims(spec))
        .build();
  }
}
