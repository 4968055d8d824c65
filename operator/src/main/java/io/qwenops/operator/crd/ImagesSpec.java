package io.qwenops.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import java.util.List;

/**
 * Container images; set one to pin a registry, tag or digest. An unset image is the operator's
 * default, resolved at reconcile time and never stored here (desired/DefaultImages), so an operator
 * upgrade moves it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ImagesSpec {

  @JsonPropertyDescription(
      "Inference server image. Unset: the operator's default, which follows operator upgrades.")
  private String inference;

  @JsonPropertyDescription(
      "gpu-exporter sidecar image. Unset: the operator's default, which follows operator upgrades.")
  private String exporter;

  @JsonPropertyDescription("Image pull policy of both containers.")
  @Default("IfNotPresent")
  @Pattern("^(Always|IfNotPresent|Never)$")
  private String pullPolicy = "IfNotPresent";

  @JsonPropertyDescription("Names of image pull Secrets.")
  private List<String> pullSecrets;

  public String getInference() {
    return inference;
  }

  public void setInference(String inference) {
    this.inference = inference;
  }

  public String getExporter() {
    return exporter;
  }

  public void setExporter(String exporter) {
    this.exporter = exporter;
  }

  public String getPullPolicy() {
    return pullPolicy;
  }

  public void setPullPolicy(String pullPolicy) {
    this.pullPolicy = pullPolicy;
  }

  public List<String> getPullSecrets() {
    return pullSecrets;
  }

  public void setPullSecrets(List<String> pullSecrets) {
    this.pullSecrets = pullSecrets;
  }
}
