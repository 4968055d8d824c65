package io.qwenops.operator.crd;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/**
 * The load timeout and the grace period are bounded by the API server (a bad value is refused at
 * apply time) and carry no schema default, so an operator upgrade can change the defaults.
 */
class TimingFieldsInCrdTest {

  static JSONSchemaProps spec() throws Exception {
    CustomResourceDefinition crd =
        Serialization.unmarshal(
            Files.readString(CommittedCrdTest.committed()), CustomResourceDefinition.class);
    return crd.getSpec()
        .getVersions()
        .getFirst()
        .getSchema()
        .getOpenAPIV3Schema()
        .getProperties()
        .get("spec");
  }

  @Test
  void terminationGracePeriodIsBoundedAndNotDefaultedInStoredObjects() throws Exception {
    JSONSchemaProps grace = spec().getProperties().get("terminationGracePeriodSeconds");
    assertThat(grace.getType()).isEqualTo("integer");
    assertThat(grace.getMinimum()).isEqualTo(15.0);
    assertThat(grace.getMaximum()).isEqualTo(3600.0);
    assertThat(grace.getDefault()).isNull();
  }

  @Test
  void loadTimeoutIsBoundedAndNotDefaultedInStoredObjects() throws Exception {
    JSONSchemaProps timeout =
        spec().getProperties().get("engine").getProperties().get("loadTimeoutSeconds");
    assertThat(timeout.getMinimum()).isEqualTo(60.0);
    assertThat(timeout.getMaximum()).isEqualTo(86400.0);
    assertThat(timeout.getDefault()).isNull();
  }
}
