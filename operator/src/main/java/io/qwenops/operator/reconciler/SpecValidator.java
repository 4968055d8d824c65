package io.qwenops.operator.reconciler;

import io.fabric8.kubernetes.api.model.Secret;
import io.qwenops.operator.crd.EngineSpec;
import io.qwenops.operator.crd.ExporterSpec;
import io.qwenops.operator.crd.ModelCacheSpec;
import io.qwenops.operator.crd.QwenDeployment;
import io.qwenops.operator.crd.SecretKeyRef;
import io.qwenops.operator.desired.PodContract;
import io.qwenops.operator.model.ModelSource;
import io.qwenops.operator.naming.ValidName;
import io.qwenops.operator.status.SpecProblem;
import java.util.Optional;

/**
 * Finds what would make the pods fail before any pod is made: a model source nobody can read, a
 * Secret or claim that is not there. The schema rejects most bad input already; this also catches
 * what only the cluster knows, and what an API server without CEL let through.
 */
public final class SpecValidator {

  private final ClusterLookup cluster;

  public SpecValidator(ClusterLookup cluster) {
    this.cluster = cluster;
  }

  public Optional<SpecProblem> validate(QwenDeployment qd) {
    String namespace = qd.getMetadata().getNamespace();
    if (qd.getSpec() == null || qd.getSpec().getModel() == null) {
      return problem(
          "MissingModel", "spec.model.source is required, e.g. hf://Qwen/Qwen2.5-0.5B-Instruct");
    }
    ModelSource source;
    try {
      source = ModelSource.parse(qd.getSpec().getModel().getSource());
    } catch (IllegalArgumentException e) {
      return problem("InvalidModelSource", e.getMessage());
    }
    Optional<SpecProblem> found =
        firstOf(
            () -> checkEngine(qd.getSpec().getEngine()),
            () -> UserPodFields.check(qd.getSpec(), source),
            () -> checkExporter(qd.getSpec().getExporter()),
            () -> checkCache(namespace, qd.getSpec().getModelCache()),
            () -> checkModelClaim(namespace, source),
            () ->
                checkSecret(
                    namespace,
                    qd.getSpec().getModel().getHfTokenSecretRef(),
                    "model.hfTokenSecretRef",
                    PodContract.DEFAULT_HF_TOKEN_KEY),
            () ->
                checkSecret(
                    namespace,
                    qd.getSpec().getApiKeySecretRef(),
                    "apiKeySecretRef",
                    PodContract.DEFAULT_API_KEY_KEY),
            () -> checkExporterToken(namespace, qd));
    return found;
  }

  private Optional<SpecProblem> checkEngine(EngineSpec engine) {
    if (engine.getMaxNumBatchedTokens() != null
        && engine.getMaxNumSeqs() != null
        && engine.getMaxNumBatchedTokens() < engine.getMaxNumSeqs()) {
      return problem(
          "InvalidEngineSettings",
          "engine.maxNumBatchedTokens ("
              + engine.getMaxNumBatchedTokens()
              + ") must be at least engine.maxNumSeqs ("
              + engine.getMaxNumSeqs()
              + ")");
    }
    return Optional.empty();
  }

  private Optional<SpecProblem> checkExporter(ExporterSpec exporter) {
    String interval = exporter.getInterval() == null ? "500ms" : exporter.getInterval();
    if (!interval.matches("[0-9]+(ms|s)")) {
      return problem(
          "InvalidExporterInterval",
          "exporter.interval '" + interval + "' is not understood: use e.g. 500ms or 1s");
    }
    if (exporter.intervalMillis() < PodContract.MIN_EXPORTER_INTERVAL_MS) {
      return problem(
          "InvalidExporterInterval",
          "exporter.interval "
              + interval
              + " is faster than the gpu-exporter samples: use at least "
              + PodContract.MIN_EXPORTER_INTERVAL_MS
              + "ms");
    }
    return Optional.empty();
  }

  private Optional<SpecProblem> checkCache(String namespace, ModelCacheSpec cache) {
    switch (cache.getType()) {
      case ExistingClaim -> {
        if (cache.getClaimName() == null || cache.getClaimName().isBlank()) {
          return problem(
              "InvalidModelCache",
              "modelCache.claimName is required when modelCache.type is ExistingClaim");
        }
        if (!cluster.claimExists(namespace, cache.getClaimName())) {
          return problem(
              "ModelCacheClaimNotFound",
              "PersistentVolumeClaim '"
                  + cache.getClaimName()
                  + "' (modelCache.claimName) does not exist in namespace '"
                  + namespace
                  + "': create it, or use modelCache.type Managed to let the operator create one");
        }
      }
      case Managed -> {
        if (cache.getSize() == null) {
          return problem(
              "InvalidModelCache",
              "modelCache.size is required when modelCache.type is Managed, e.g. 50Gi");
        }
      }
      case None -> {}
    }
    return Optional.empty();
  }

  private Optional<SpecProblem> checkModelClaim(String namespace, ModelSource source) {
    if (source instanceof ModelSource.Pvc pvc && !cluster.claimExists(namespace, pvc.claim())) {
      return problem(
          "ModelClaimNotFound",
          "PersistentVolumeClaim '"
              + pvc.claim()
              + "' named by model.source does not exist in namespace '"
              + namespace
              + "': create it with the weights under "
              + pvc.path());
    }
    return Optional.empty();
  }

  /**
   * The Secret must exist. Only its metadata is read: the values go to the pods, not through the
   * operator, so a missing key shows when the pod starts (Degraded, CreateContainerConfigError,
   * with the kubelet's message naming the key).
   */
  private Optional<SpecProblem> checkSecret(
      String namespace, SecretKeyRef ref, String field, String defaultKey) {
    if (ref == null) {
      return Optional.empty();
    }
    return invalidName(ref, field)
        .or(
            () ->
                cluster.secretExists(namespace, ref.getName())
                    ? Optional.empty()
                    : secretNotFound(namespace, ref, field, defaultKey));
  }

  /** The token Secret is read in full anyway (the operator sends the token), so check its key. */
  private Optional<SpecProblem> checkExporterToken(String namespace, QwenDeployment qd) {
    Optional<SecretKeyRef> found = ExporterToken.ref(qd);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    SecretKeyRef ref = found.get();
    String field = "exporter.tokenSecretRef";
    String key = ref.keyOr(PodContract.DEFAULT_EXPORTER_TOKEN_KEY);
    Optional<SpecProblem> invalid = invalidName(ref, field);
    if (invalid.isPresent()) {
      return invalid;
    }
    Optional<Secret> secret = cluster.secret(namespace, ref.getName());
    if (secret.isEmpty()) {
      return secretNotFound(namespace, ref, field, PodContract.DEFAULT_EXPORTER_TOKEN_KEY);
    }
    if (ExporterToken.value(secret.get(), key).map(String::isBlank).orElse(true)) {
      return problem(
          "SecretKeyNotFound",
          "Secret '"
              + ref.getName()
              + "' ("
              + field
              + ") has no key '"
              + key
              + "' with a value: add it, or set "
              + field
              + ".key to the key that holds the token");
    }
    return Optional.empty();
  }

  private static Optional<SpecProblem> invalidName(SecretKeyRef ref, String field) {
    if (ValidName.isDns1123Subdomain(ref.getName())) {
      return Optional.empty();
    }
    return problem(
        "InvalidSecretRef",
        field
            + ".name '"
            + ref.getName()
            + "' is not a Secret name: lower-case letters, digits, '-' and '.', at most 253");
  }

  private static Optional<SpecProblem> secretNotFound(
      String namespace, SecretKeyRef ref, String field, String defaultKey) {
    return problem(
        "SecretNotFound",
        "Secret '"
            + ref.getName()
            + "' ("
            + field
            + ") does not exist in namespace '"
            + namespace
            + "': kubectl create secret generic "
            + ref.getName()
            + " -n "
            + namespace
            + " --from-literal="
            + ref.keyOr(defaultKey)
            + "=...");
  }

  @SafeVarargs
  private static Optional<SpecProblem> firstOf(
      java.util.function.Supplier<Optional<SpecProblem>>... checks) {
    for (var check : checks) {
      Optional<SpecProblem> problem = check.get();
      if (problem.isPresent()) {
        return problem;
      }
    }
    return Optional.empty();
  }

  private static Optional<SpecProblem> problem(String reason, String message) {
    return Optional.of(new SpecProblem(reason, message));
  }
}
