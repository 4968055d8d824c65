package io.qwenops.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Quantity;

/** Where downloaded weights live, so a restarted pod does not download them again. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "self.type != 'ExistingClaim' || has(self.claimName)",
    message = "modelCache.claimName is required when modelCache.type is ExistingClaim")
@ValidationRule(
    value = "self.type != 'Managed' || has(self.size)",
    message = "modelCache.size is required when modelCache.type is Managed")
@ValidationRule(
    value = "self.type == 'ExistingClaim' || !has(self.claimName)",
    message = "modelCache.claimName is only used when modelCache.type is ExistingClaim")
public class ModelCacheSpec {

  @JsonPropertyDescription(
      "None (emptyDir per pod), ExistingClaim (claimName) or Managed (the operator creates a PVC of size).")
  @Default("None")
  private ModelCacheType type = ModelCacheType.None;

  @JsonPropertyDescription("PVC to mount when type is ExistingClaim.")
  private String claimName;

  @JsonPropertyDescription(
      "Size of the PVC the operator creates when type is Managed; with None, the emptyDir's size"
          + " limit (and the container's ephemeral-storage request), estimated from an hf:// repo's"
          + " parameter count when unset.")
  private Quantity size;

  @JsonPropertyDescription("Storage class of the created PVC; the cluster default when unset.")
  private String storageClassName;

  @JsonPropertyDescription(
      "Access mode of the created PVC; use ReadWriteMany to share it between replicas on several nodes.")
  @Default("ReadWriteOnce")
  @Pattern("^(ReadWriteOnce|ReadWriteMany|ReadWriteOncePod)$")
  private String accessMode = "ReadWriteOnce";

  public ModelCacheType getType() {
    return type;
  }

  public void setType(ModelCacheType type) {
    this.type = type;
  }

  public String getClaimName() {
    return claimName;
  }

  public void setClaimName(String claimName) {
    this.claimName = claimName;
  }

  public Quantity getSize() {
    return size;
  }

  public void setSize(Quantity size) {
    this.size = size;
  }

  public String getStorageClassName() {
    return storageClassName;
  }

  public void setStorageClassName(String storageClassName) {
    this.storageClassName = storageClassName;
  }

  public String getAccessMode() {
    return accessMode;
  }

  public void setAccessMode(String accessMode) {
    this.accessMode = accessMode;
  }
}
