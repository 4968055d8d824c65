package io.qwenops.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/**
 * Inference engine settings, passed to the inference container as QWENOPS_* environment variables.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value =
        "!has(self.maxNumBatchedTokens) || !has(self.maxNumSeqs) || self.maxNumBatchedTokens >= self.maxNumSeqs",
    message = "engine.maxNumBatchedTokens must be at least engine.maxNumSeqs")
public class EngineSpec {

  @JsonPropertyDescription(
      "Compute dtype: auto (on CPU bfloat16 weights for a BF16 checkpoint, else float32; on GPU"
          + " float16 with float32 norms), bfloat16 (CPU only), float16 or float32.")
  @Default("auto")
  @Pattern("^(auto|bfloat16|float16|float32)$")
  private String dtype = "auto";

  @JsonPropertyDescription(
      "Weight quantization: none (the default) or int8 (CPU: int8 weights with one scale per 32,"
          + " quantized at load).")
  @Pattern("^(none|int8)$")
  private String quantization;

  @JsonPropertyDescription(
      "Longest sequence (prompt + completion) in tokens; the checkpoint's limit when unset.")
  @Min(1)
  private Integer maxModelLen;

  @JsonPropertyDescription("Most sequences the engine batches at once.")
  @Default("64")
  @Min(1)
  private Integer maxNumSeqs = 64;

  @JsonPropertyDescription("Most tokens in one engine step; the engine's own choice when unset.")
  @Min(1)
  private Integer maxNumBatchedTokens;

  @JsonPropertyDescription(
      "Fraction of GPU memory the engine may use for weights and KV cache (0 < x <= 1).")
  @Default("0.9")
  @Min(value = 0.0, inclusive = false)
  @Max(1.0)
  private Double gpuMemoryUtilization = 0.9;

  @JsonPropertyDescription(
      "Seconds a pod may take to download and load its model before Kubernetes restarts it (the"
          + " startup probe's budget); 1800 when unset.")
  @Min(60)
  @Max(86400)
  private Integer loadTimeoutSeconds;

  @JsonPropertyDescription(
      "Further command-line arguments appended to the inference container's args.")
  private List<String> extraArgs;

  public Integer getLoadTimeoutSeconds() {
    return loadTimeoutSeconds;
  }

  public void setLoadTimeoutSeconds(Integer loadTimeoutSeconds) {
    this.loadTimeoutSeconds = loadTimeoutSeconds;
  }

  public String getQuantization() {
    return quantization;
  }

  public void setQuantization(String quantization) {
    this.quantization = quantization;
  }

  public String getDtype() {
    return dtype;
  }

  public void setDtype(String dtype) {
    this.dtype = dtype;
  }

  public Integer getMaxModelLen() {
    return maxModelLen;
  }

  public void setMaxModelLen(Integer maxModelLen) {
    this.maxModelLen = maxModelLen;
  }

  public Integer getMaxNumSeqs() {
    return maxNumSeqs;
  }

  public void setMaxNumSeqs(Integer maxNumSeqs) {
    this.maxNumSeqs = maxNumSeqs;
  }

  public Integer getMaxNumBatchedTokens() {
    return maxNumBatchedTokens;
  }

  public void setMaxNumBatchedTokens(Integer maxNumBatchedTokens) {
    this.maxNumBatchedTokens = maxNumBatchedTokens;
  }

  public Double getGpuMemoryUtilization() {
    return gpuMemoryUtilization;
  }

  public void setGpuMemoryUtilization(Double gpuMemoryUtilization) {
    this.gpuMemoryUtilization = gpuMemoryUtilization;
  }

  public List<String> getExtraArgs() {
    return extraArgs;
  }

  public void setExtraArgs(List<String> extraArgs) {
    this.extraArgs = extraArgs;
  }
}
