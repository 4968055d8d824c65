package io.qwenops.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.model.annotation.SpecReplicas;
import java.util.List;
import java.util.Map;

/** What a platform engineer asks for: a Qwen model served behind an OpenAI endpoint. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class QwenDeploymentSpec {

  @JsonPropertyDescription("The model to serve.")
  @Required
  private ModelSpec model;

  @JsonPropertyDescription("Number of inference pods.")
  @Default("1")
  @Min(0)
  @SpecReplicas
  private Integer replicas = 1;

  @JsonPropertyDescription("Engine settings.")
  private EngineSpec engine = new EngineSpec();

  @JsonPropertyDescription(
      "Secret key holding the API key clients must send (key defaults to 'api-key'); passed as QWENOPS_API_KEY.")
  private SecretKeyRef apiKeySecretRef;

  @JsonPropertyDescription("GPUs, CPU and memory per pod.")
  private ResourcesSpec resources = new ResourcesSpec();

  @JsonPropertyDescription("Node selector of the inference pods.")
  private Map<String, String> nodeSelector;

  @JsonPropertyDescription("Tolerations of the inference pods.")
  private List<Toleration> tolerations;

  @JsonPropertyDescription("Affinity of the inference pods.")
  private Affinity affinity;

  @JsonPropertyDescription("Priority class of the inference pods.")
  private String priorityClassName;

  @JsonPropertyDescription(
      "Runtime class used when GPUs are requested (e.g. nvidia where the GPU Operator defines it);"
          + " unset: the node's default runtime.")
  private String runtimeClassName;

  @JsonPropertyDescription("Image overrides.")
  private ImagesSpec images = new ImagesSpec();

  @JsonPropertyDescription("Where downloaded weights are kept.")
  private ModelCacheSpec modelCache = new ModelCacheSpec();

  @JsonPropertyDescription("The gpu-exporter sidecar.")
  private ExporterSpec exporter = new ExporterSpec();

  @JsonPropertyDescription("The Service.")
  private ServiceSpec service = new ServiceSpec();

  @JsonPropertyDescription(
      "Seconds a stopping pod gets to finish its running requests (5 s of it go to the preStop"
          + " hook that lets endpoints update); 60 when unset.")
  @Min(15)
  @Max(3600)
  private Integer terminationGracePeriodSeconds;

  public Integer getTerminationGracePeriodSeconds() {
    return terminationGracePeriodSeconds;
  }

  public void setTerminationGracePeriodSeconds(Integer terminationGracePeriodSeconds) {
    this.terminationGracePeriodSeconds = terminationGracePeriodSeconds;
  }

  public ModelSpec getModel() {
    return model;
  }

  public void setModel(ModelSpec model) {
    this.model = model;
  }

  public Integer getReplicas() {
    return replicas;
  }

  public void setReplicas(Integer replicas) {
    this.replicas = replicas;
  }

  public EngineSpec getEngine() {
    return engine;
  }

  public void setEngine(EngineSpec engine) {
    this.engine = engine;
  }

  public SecretKeyRef getApiKeySecretRef() {
    return apiKeySecretRef;
  }

  public void setApiKeySecretRef(SecretKeyRef apiKeySecretRef) {
    this.apiKeySecretRef = apiKeySecretRef;
  }

  public ResourcesSpec getResources() {
    return resources;
  }

  public void setResources(ResourcesSpec resources) {
    this.resources = resources;
  }

  public Map<String, String> getNodeSelector() {
    return nodeSelector;
  }

  public void setNodeSelector(Map<String, String> nodeSelector) {
    this.nodeSelector = nodeSelector;
  }

  public List<Toleration> getTolerations() {
    return tolerations;
  }

  public void setTolerations(List<Toleration> tolerations) {
    this.tolerations = tolerations;
  }

  public Affinity getAffinity() {
    return affinity;
  }

  public void setAffinity(Affinity affinity) {
    this.affinity = affinity;
  }

  public String getPriorityClassName() {
    return priorityClassName;
  }

  public void setPriorityClassName(String priorityClassName) {
    this.priorityClassName = priorityClassName;
  }

  public String getRuntimeClassName() {
    return runtimeClassName;
  }

  public void setRuntimeClassName(String runtimeClassName) {
    this.runtimeClassName = runtimeClassName;
  }

  public ImagesSpec getImages() {
    return images;
  }

  public void setImages(ImagesSpec images) {
    this.images = images;
  }

  public ModelCacheSpec getModelCache() {
    return modelCache;
  }

  public void setModelCache(ModelCacheSpec modelCache) {
    this.modelCache = modelCache;
  }

  public ExporterSpec getExporter() {
    return exporter;
  }

  public void setExporter(ExporterSpec exporter) {
    this.exporter = exporter;
  }

  public ServiceSpec getService() {
    return service;
  }

  public void setService(ServiceSpec service) {
    this.service = service;
  }
}
