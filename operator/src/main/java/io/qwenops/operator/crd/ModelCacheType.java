package io.qwenops.operator.crd;

/** Where the inference pods keep downloaded weights. */
public enum ModelCacheType {
  /** An emptyDir per pod: weights are downloaded again after every restart. */
  None,
  /** A PVC the user already has ({@code modelCache.claimName}). */
  ExistingClaim,
  /** A PVC the operator creates and owns ({@code modelCache.size}). */
  Managed
}
