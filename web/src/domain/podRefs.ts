import type { Deployment, PodRef } from '../api/types';

/** Pods whose exporter stream the console can subscribe (the deployment runs the sidecar). */
export function telemetryPods(deployments: Deployment[]): PodRef[] {
  return deployments.filter((d) => d.exporter).flatMap((d) => d.pods.map((p) => ({ namespace: d.namespace, pod: p.name })));
}
