package io.qwenops.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import java.util.Map;

/** The Service in front of the inference pods. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ServiceSpec {

  @JsonPropertyDescription("Service type.")
  @Default("ClusterIP")
  @Pattern("^(ClusterIP|NodePort|LoadBalancer)$")
  private String type = "ClusterIP";

  @JsonPropertyDescription(
      "Service port of the OpenAI API (named openai); the pod listens on 8000.")
  @Default("8000")
  @Min(1)
  @Max(65535)
  private Integer port = 8000;

  @JsonPropertyDescription("Annotations put on the Service (e.g. for a load balancer).")
  private Map<String, String> annotations;

  public String getType() {
    return type;
  }

  public void setType(String type) {
    this.type = type;
  }

  public Integer getPort() {
    return port;
  }

  public void setPort(Integer port) {
    this.port = port;
  }

  public Map<String, String> getAnnotations() {
    return annotations;
  }

  public void setAnnotations(Map<String, String> annotations) {
    this.annotations = annotations;
  }
}
