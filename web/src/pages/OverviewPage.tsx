import { useMemo } from 'react';
import { DeploymentsTable } from '../components/overview/DeploymentsTable';
import { GpuStrip } from '../components/overview/GpuStrip';
import { StateMessage } from '../components/StateMessage';
import { telemetryPods } from '../domain/podRefs';
import type { DeploymentsState } from '../hooks/useDeployments';
import { useTelemetry } from '../hooks/useTelemetry';

export function OverviewPage({ state }: { state: DeploymentsState }) {
  const deployments = state.deployments;
  const pods = useMemo(() => telemetryPods(deployments ?? []), [deployments]);
  const telemetry = useTelemetry(pods, 60);

  if (!deployments) {
    return state.error ? (
      <StateMessage kind="error">Cannot load deployments: {state.error}</StateMessage>
    ) : (
      <StateMessage kind="loading">Loading deployments…</StateMessage>
    );
  }
  if (deployments.length === 0) {
    return <StateMessage kind="empty">No QwenDeployment you may see. Create one with kubectl apply.</StateMessage>;
  }
  return (
    <>
      <h1>Deployments</h1>
      <DeploymentsTable deployments={deployments} telemetry={telemetry.pods} />
      <h2>Cluster GPUs</h2>
      <GpuStrip pods={telemetry.pods} />
    </>
  );
}
