package io.qwenops.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import java.util.List;

/** Container images; override to pin a registry or a digest. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ImagesSpec {

  @JsonPropertyDescription("Inference server image.")
  @Default(DEFAULT_INFERENCE)
  private String inference = DEFAULT_INFERENCE;

  @JsonPropertyDescription("gpu-exporter sidecar image.")
  @Default(DEFAULT_EXPORTER)
  private String exporter = DEFAULT_EXPORTER;

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

  /** What this build's images are called (image.registry, image.tag in the root pom). */
  public static final String DEFAULT_INFERENCE = BuildImages.INFERENCE;

  public static final String DEFAULT_EXPORTER = BuildImages.EXPORTER;
}
