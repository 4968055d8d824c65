package io.qwenops.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** Which checkpoint to serve and how clients name it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ModelSpec {

  @JsonPropertyDescription(
      "hf://ORG/NAME[@REVISION], pvc://CLAIM/PATH, or an absolute path inside the inference image.")
  @Required
  @Pattern("^(hf://[\\w.-]+/[\\w.-]+(@[\\w./-]+)?|pvc://[a-z0-9]([-a-z0-9]*[a-z0-9])?(/.*)?|/.*)$")
  private String source;

  @JsonPropertyDescription(
      "Model name clients send in OpenAI requests; defaults to the repository name of the source.")
  private String servedName;

  @JsonPropertyDescription(
      "Secret key holding a Hugging Face token (key defaults to 'token'); passed as HF_TOKEN.")
  private SecretKeyRef hfTokenSecretRef;

  public String getSource() {
    return source;
  }

  public void setSource(String source) {
    this.source = source;
  }

  public String getServedName() {
    return servedName;
  }

  public void setServedName(String servedName) {
    this.servedName = servedName;
  }

  public SecretKeyRef getHfTokenSecretRef() {
    return hfTokenSecretRef;
  }

  public void setHfTokenSecretRef(SecretKeyRef hfTokenSecretRef) {
    this.hfTokenSecretRef = hfTokenSecretRef;
  }
}
