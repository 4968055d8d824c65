package io.qwenops.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.model.annotation.SpecReplicas;
import java.util.List;
import java.util.Map;

/** What a platform engineer asks for: a Qwen model served behind an OpenAI endpoint. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value =
        "!has(self.exporter) || !has(self.exporter.gpuVisibility)"
            + " || self.exporter.gpuVisibility != 'ResourceClaim'"
            + " || (has(self.resources) && has(self.resources.gpuClaim))",
    message = "exporter.gpuVisibility ResourceClaim needs resources.gpuClaim")
public class QwenDeploymentSpec {

  @JsonPropertyDescription("The model to serve.")
  @Required
  private ModelSpec model;

  @JsonPropertyDescription(
      "Number of inference pods. With autoscaling, the HorizontalPodAutoscaler sets it (through"
          + " the scale subresource): leave it out of applied manifests.")
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

  @JsonPropertyDescription(
      "Scale the inference pods between minReplicas and maxReplicas on a metric they export,"
          + " through a HorizontalPodAutoscaler the operator makes.")
  private AutoscalingSpec autoscaling;

  @JsonPropertyDescription(
      "Extra environment variables of the inference container (proxies, HF_ENDPOINT,"
          + " HF_HUB_OFFLINE, ...). Names the operator sets (QWENOPS_*, HF_HOME, HF_TOKEN,"
          + " JDK_JAVA_OPTIONS) are refused.")
  @Size(max = ReservedNames.MAX_ENV)
  @ValidationRule(
      value = ReservedNames.INFERENCE_ENV_RULE,
      message = ReservedNames.INFERENCE_ENV_MESSAGE)
  private List<EnvVar> env;

  @JsonPropertyDescription(
      "ConfigMaps and Secrets whose keys become the inference container's environment; the"
          + " operator's variables and env win over a key of the same name.")
  @Size(max = ReservedNames.MAX_ENV)
  private List<EnvFromSource> envFrom;

  @JsonPropertyDescription(
      "Labels added to the inference pods (not to the selector); the operator's"
          + " app.kubernetes.io labels are refused.")
  @ValidationRule(value = ReservedNames.POD_LABELS_RULE, message = ReservedNames.POD_LABELS_MESSAGE)
  private Map<String, String> podLabels;

  @JsonPropertyDescription("Annotations added to the inference pods.")
  @ValidationRule(
      value = ReservedNames.POD_ANNOTATIONS_RULE,
      message = ReservedNames.POD_ANNOTATIONS_MESSAGE)
  private Map<String, String> podAnnotations;

  @JsonPropertyDescription(
      "ServiceAccount of the inference pods (e.g. one bound to cloud credentials for a private"
          + " model store); the namespace's default when unset. Its API token is still not"
          + " mounted.")
  @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
  private String serviceAccountName;

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

  public AutoscalingSpec getAutoscaling() {
    return autoscaling;
  }

  public void setAutoscaling(AutoscalingSpec autoscaling) {
    this.autoscaling = autoscaling;
  }

  public List<EnvVar> getEnv() {
    return env;
  }

  public void setEnv(List<EnvVar> env) {
    this.env = env;
  }

  public List<EnvFromSource> getEnvFrom() {
    return envFrom;
  }

  public void setEnvFrom(List<EnvFromSource> envFrom) {
    this.envFrom = envFrom;
  }

  public Map<String, String> getPodLabels() {
    return podLabels;
  }

  public void setPodLabels(Map<String, String> podLabels) {
    this.podLabels = podLabels;
  }

  public Map<String, String> getPodAnnotations() {
    return podAnnotations;
  }

  public void setPodAnnotations(Map<String, String> podAnnotations) {
    this.podAnnotations = podAnnotations;
  }

  public String getServiceAccountName() {
    return serviceAccountName;
  }

  public void setServiceAccountName(String serviceAccountName) {
    this.serviceAccountName = serviceAccountName;
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
