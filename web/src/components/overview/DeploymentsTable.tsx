import type { Deployment } from '../../api/types';
import type { PodView } from '../../hooks/useTelemetry';
import { useSampleVersion } from '../../hooks/useTelemetry';
import { DeploymentRow } from './DeploymentRow';

export function DeploymentsTable({ deployments, telemetry }: { deployments: Deployment[]; telemetry: PodView[] }) {
  useSampleVersion(); // GPU columns follow the live samples
  return (
    <table className="table" data-testid="deployments-table">
      <thead>
        <tr>
          <th>Name</th>
          <th>Namespace</th>
          <th>Model</th>
          <th>Replicas</th>
          <th>GPUs</th>
          <th>Gen tokens/s</th>
          <th>KV cache</th>
          <th>GPU util</th>
          <th>Power</th>
          <th>Conditions</th>
          <th>Health</th>
        </tr>
      </thead>
      <tbody>
        {deployments.map((d) => (
          <DeploymentRow
            key={`${d.namespace}/${d.name}`}
            deployment={d}
            pods={telemetry.filter((p) => p.ref.namespace === d.namespace && d.pods.some((x) => x.name === p.ref.pod))}
          />
        ))}
      </tbody>
    </table>
  );
}
