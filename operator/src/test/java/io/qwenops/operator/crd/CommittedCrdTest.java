package io.qwenops.operator.crd;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The build fails when crds/ no longer matches the model classes it is generated from. */
class CommittedCrdTest {

  static final String FILE = "qwendeployments.qwenops.io-v1.yml";
  static final String FIX =
      "crds/"
          + FILE
          + " is stale: regenerate it with\n"
          + "  ./mvnw -pl operator process-classes && cp operator/target/crds/"
          + FILE
          + " crds/\n"
          + "and commit the result.";

  static Path committed() {
    return Path.of(System.getProperty("qwenops.crd.committed", "../crds")).resolve(FILE);
  }

  static Path generated() {
    return Path.of(System.getProperty("qwenops.crd.generated", "target/crds")).resolve(FILE);
  }

  @Test
  void committedCrdMatchesTheModelClasses() throws IOException {
    assertThat(generated()).as("the build generates the CRD").exists();
    assertThat(committed()).as(FIX).exists();
    assertThat(Files.readString(committed())).as(FIX).isEqualTo(Files.readString(generated()));
  }

  @Test
  void crdHasTheNamesScaleSubresourceAndPrinterColumnsKubectlUses() throws IOException {
    CustomResourceDefinition crd =
        Serialization.unmarshal(Files.readString(committed()), CustomResourceDefinition.class);
    assertThat(crd.getSpec().getGroup()).isEqualTo("qwenops.io");
    assertThat(crd.getSpec().getNames().getKind()).isEqualTo("QwenDeployment");
    assertThat(crd.getSpec().getNames().getPlural()).isEqualTo("qwendeployments");
    assertThat(crd.getSpec().getNames().getShortNames()).containsExactly("qd");
    var version = crd.getSpec().getVersions().getFirst();
    assertThat(version.getName()).isEqualTo("v1alpha1");
    var scale = version.getSubresources().getScale();
    assertThat(scale.getSpecReplicasPath()).isEqualTo(".spec.replicas");
    assertThat(scale.getStatusReplicasPath()).isEqualTo(".status.replicas");
    assertThat(scale.getLabelSelectorPath()).isEqualTo(".status.selector");
    assertThat(version.getSubresources().getStatus()).isNotNull();
    assertThat(version.getAdditionalPrinterColumns())
        .extracting(c -> c.getName() + "=" + c.getJsonPath())
        .as("kubectl get qd shows Model, Ready, Download, Endpoint, Age in that order")
        .containsExactly(
            "Model=.spec.model.source",
            "Ready=.status.ready",
            "Download=.status.download",
            "Endpoint=.status.endpoint",
            "Age=.metadata.creationTimestamp");
  }

  @Test
  void schemaCarriesDefaultsAndCrossFieldRules() throws IOException {
    CustomResourceDefinition crd =
        Serialization.unmarshal(Files.readString(committed()), CustomResourceDefinition.class);
    var spec =
        crd.getSpec()
            .getVersions()
            .getFirst()
            .getSchema()
            .getOpenAPIV3Schema()
            .getProperties()
            .get("spec");
    assertThat(spec.getRequired()).contains("model");
    assertThat(spec.getProperties().get("replicas").getDefault().asInt()).isEqualTo(1);
    var exporter = spec.getProperties().get("exporter").getProperties();
    assertThat(exporter.get("enabled").getDefault().asBoolean()).isTrue();
    assertThat(exporter.get("interval").getDefault().asText()).isEqualTo("500ms");
    assertThat(spec.getProperties().get("modelCache").getXKubernetesValidations())
        .extracting(r -> r.getRule())
        .contains("self.type != 'ExistingClaim' || has(self.claimName)");
    assertThat(spec.getProperties().get("model").getProperties().get("source").getPattern())
        .startsWith("^(hf://");
  }

  @Test
  void imagesHaveNoDefaultSoTheApiServerNeverStoresOne() throws IOException {
    CustomResourceDefinition crd =
        Serialization.unmarshal(Files.readString(committed()), CustomResourceDefinition.class);
    var images =
        crd.getSpec()
            .getVersions()
            .getFirst()
            .getSchema()
            .getOpenAPIV3Schema()
            .getProperties()
            .get("spec")
            .getProperties()
            .get("images")
            .getProperties();
    assertThat(images.get("inference").getDefault())
        .as("a stored default would outlive the operator that chose it")
        .isNull();
    assertThat(images.get("exporter").getDefault()).isNull();
    assertThat(images.get("pullPolicy").getDefault().asText()).isEqualTo("IfNotPresent");
  }
}
