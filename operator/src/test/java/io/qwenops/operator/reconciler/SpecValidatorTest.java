package io.qwenops.operator.reconciler;

import static io.qwenops.operator.it.Fixtures.ref;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.qwenops.operator.crd.ModelCacheType;
import io.qwenops.operator.crd.QwenDeployment;
import io.qwenops.operator.it.Fixtures;
import io.qwenops.operator.status.SpecProblem;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SpecValidatorTest {

  final Map<String, Secret> secrets = new HashMap<>();
  final Set<String> claims = new HashSet<>();
  final List<String> valuesRead = new ArrayList<>();
  final SpecValidator validator =
      new SpecValidator(
          new ClusterLookup() {
            @Override
            public boolean secretExists(String namespace, String name) {
              return secrets.containsKey(namespace + "/" + name);
            }

            @Override
            public Optional<Secret> secret(String namespace, String name) {
              valuesRead.add(name);
              return Optional.ofNullable(secrets.get(namespace + "/" + name));
            }

            @Override
            public boolean claimExists(String namespace, String name) {
              return claims.contains(namespace + "/" + name);
            }
          });

  static QwenDeployment qwen(String source) {
    return Fixtures.qwen("ml", "chat", source, 1);
  }

  String reason(QwenDeployment qd) {
    return validator.validate(qd).map(SpecProblem::reason).orElse("valid");
  }

  @Test
  void plainHuggingFaceSourceIsValid() {
    assertThat(reason(qwen("hf://Qwen/Qwen2.5-0.5B-Instruct"))).isEqualTo("valid");
  }

  @Test
  void unparseableSourceSaysWhatIsAccepted() {
    SpecProblem p = validator.validate(qwen("qwen2.5")).orElseThrow();
    assertThat(p.reason()).isEqualTo("InvalidModelSource");
    assertThat(p.message()).contains("'qwen2.5'").contains("pvc://CLAIM/PATH");
  }

  @Test
  void secretsForThePodsMustExistAndAreCheckedWithoutReadingTheirValues() {
    QwenDeployment qd = qwen("hf://Qwen/Qwen2.5-0.5B-Instruct");
    qd.getSpec().getModel().setHfTokenSecretRef(ref("hf", null));
    assertThat(reason(qd)).isEqualTo("SecretNotFound");
    assertThat(validator.validate(qd).orElseThrow().message())
        .contains("model.hfTokenSecretRef")
        .contains("--from-literal=token=");

    // A wrong key is the kubelet's to report at pod start (CreateContainerConfigError).
    secrets.put("ml/hf", secret("hf", "other", "eA=="));
    assertThat(reason(qd)).isEqualTo("valid");

    qd.getSpec().setApiKeySecretRef(ref("api", "k"));
    assertThat(validator.validate(qd).orElseThrow().message()).contains("apiKeySecretRef");
    secrets.put("ml/api", secret("api", "k", "eA=="));
    assertThat(reason(qd)).isEqualTo("valid");
    assertThat(valuesRead).as("no Secret value was fetched").isEmpty();
  }

  @Test
  void exporterTokenSecretMustHoldANonEmptyToken() {
    QwenDeployment qd = qwen("hf://Qwen/Qwen2.5-0.5B-Instruct");
    qd.getSpec().getExporter().setTokenSecretRef(ref("exporter", null));
    assertThat(validator.validate(qd).orElseThrow().message())
        .contains("exporter.tokenSecretRef")
        .contains("--from-literal=token=");
    secrets.put("ml/exporter", secret("exporter", "other", "eA=="));
    assertThat(validator.validate(qd).orElseThrow().message())
        .contains("has no key 'token'")
        .contains("exporter.tokenSecretRef.key");
    secrets.put("ml/exporter", secret("exporter", "token", "ICAK")); // "  \n"
    assertThat(reason(qd)).isEqualTo("SecretKeyNotFound");
    secrets.put("ml/exporter", secret("exporter", "token", "czNjcmV0Cg==")); // "s3cret\n"
    assertThat(reason(qd)).isEqualTo("valid");

    qd.getSpec().getExporter().setEnabled(false);
    secrets.clear();
    assertThat(reason(qd)).as("no sidecar, no token needed").isEqualTo("valid");
  }

  @Test
  void secretNamesThatCannotBeSecretsAreRefusedBeforeAnyRequest() {
    QwenDeployment qd = qwen("hf://Qwen/Qwen2.5-0.5B-Instruct");
    qd.getSpec().getModel().setHfTokenSecretRef(ref("../../configmaps/x", null));
    SpecProblem p = validator.validate(qd).orElseThrow();
    assertThat(p.reason()).isEqualTo("InvalidSecretRef");
    assertThat(p.message()).contains("model.hfTokenSecretRef.name '../../configmaps/x'");
  }

  static Secret secret(String name, String key, String base64) {
    return new SecretBuilder()
        .withMetadata(new ObjectMetaBuilder().withName(name).build())
        .addToData(key, base64)
        .build();
  }

  @Test
  void claimsNamedBySourceOrCacheMustExist() {
    assertThat(reason(qwen("pvc://weights/qwen"))).isEqualTo("ModelClaimNotFound");
    claims.add("ml/weights");
    assertThat(reason(qwen("pvc://weights/qwen"))).isEqualTo("valid");

    QwenDeployment qd = qwen("hf://Qwen/Qwen2.5-0.5B-Instruct");
    qd.getSpec().getModelCache().setType(ModelCacheType.ExistingClaim);
    assertThat(reason(qd)).isEqualTo("InvalidModelCache");
    qd.getSpec().getModelCache().setClaimName("cache");
    assertThat(reason(qd)).isEqualTo("ModelCacheClaimNotFound");

    QwenDeployment managed = qwen("hf://Qwen/Qwen2.5-0.5B-Instruct");
    managed.getSpec().getModelCache().setType(ModelCacheType.Managed);
    assertThat(reason(managed)).isEqualTo("InvalidModelCache");
    managed.getSpec().getModelCache().setSize(new Quantity("20Gi"));
    assertThat(reason(managed)).isEqualTo("valid");
  }

  @Test
  void batchedTokensBelowSequencesIsRejected() {
    QwenDeployment qd = qwen("hf://Qwen/Qwen2.5-0.5B-Instruct");
    qd.getSpec().getEngine().setMaxNumBatchedTokens(16);
    assertThat(reason(qd)).isEqualTo("InvalidEngineSettings");
  }

  @Test
  void exporterIntervalMustBeReadableAndNotBelowWhatTheExporterAccepts() {
    QwenDeployment qd = qwen("hf://Qwen/Qwen2.5-0.5B-Instruct");
    qd.getSpec().getExporter().setInterval("50ms");
    assertThat(validator.validate(qd).orElseThrow().message()).contains("at least 100ms");
    qd.getSpec().getExporter().setInterval("half a second");
    assertThat(reason(qd)).isEqualTo("InvalidExporterInterval");
    qd.getSpec().getExporter().setInterval("1s");
    assertThat(reason(qd)).isEqualTo("valid");
  }

  @Test
  void backoffGrowsWithHowLongTheSpecHasBeenBrokenAndIsCapped() {
    InvalidSpecBackoff backoff = InvalidSpecBackoff.standard();
    assertThat(backoff.next(Duration.ZERO)).isEqualTo(Duration.ofSeconds(10));
    assertThat(backoff.next(Duration.ofSeconds(40))).isEqualTo(Duration.ofSeconds(40));
    assertThat(backoff.next(Duration.ofHours(3))).isEqualTo(Duration.ofMinutes(5));
  }
}
