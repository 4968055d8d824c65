package io.qwenops.operator.crd;

/** How the gpu-exporter sidecar gets to see the inference container's GPUs. */
public enum GpuVisibility {
  /** NVIDIA_VISIBLE_DEVICES=all: the runtime shows it every GPU of the node; it filters. */
  Env,
  /** It references the pod's GPU ResourceClaim, so it sees exactly the claimed devices. */
  ResourceClaim
}
