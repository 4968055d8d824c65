package io.qwenops.operator.it;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.qwenops.operator.crd.ModelSpec;
import io.qwenops.operator.crd.QwenDeployment;
import io.qwenops.operator.crd.QwenDeploymentSpec;
import io.qwenops.operator.crd.SecretKeyRef;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/** QwenDeployments and Secrets as a user would write them. */
/**
 * QwenDeployments, Secrets and references the operator's tests build; shared by every test package.
 */
public final class Fixtures {

  private Fixtures() {}

  public static QwenDeployment qwen(String namespace, String name, String source, int replicas) {
    QwenDeployment qd = new QwenDeployment();
    qd.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
    QwenDeploymentSpec spec = new QwenDeploymentSpec();
    ModelSpec model = new ModelSpec();
    model.setSource(source);
    spec.setModel(model);
    spec.setReplicas(replicas);
    qd.setSpec(spec);
    return qd;
  }

  public static SecretKeyRef ref(String name, String key) {
    SecretKeyRef ref = new SecretKeyRef();
    ref.setName(name);
    ref.setKey(key);
    return ref;
  }

  static Secret secret(String namespace, String name, String key, String value) {
    return new SecretBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(namespace)
        .endMetadata()
        .withData(
            Map.of(key, Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8))))
        .build();
  }
}
