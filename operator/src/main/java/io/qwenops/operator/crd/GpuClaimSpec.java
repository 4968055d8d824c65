package io.qwenops.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** GPUs through Dynamic Resource Allocation: one ResourceClaim per pod, made from a template. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class GpuClaimSpec {

  @JsonPropertyDescription(
      "ResourceClaimTemplate (resource.k8s.io) in the QwenDeployment's namespace; each pod gets a"
          + " claim made from it, which the inference container (and, with exporter.gpuVisibility"
          + " ResourceClaim, the sidecar) references.")
  @Required
  @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
  private String resourceClaimTemplateName;

  public String getResourceClaimTemplateName() {
    return resourceClaimTemplateName;
  }

  public void setResourceClaimTemplateName(String resourceClaimTemplateName) {
    this.resourceClaimTemplateName = resourceClaimTemplateName;
  }
}
