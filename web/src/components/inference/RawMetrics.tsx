import type { Deployment } from '../../api/types';
import { useRawMetrics } from '../../hooks/useRawMetrics';

export function RawMetrics({ deployment, pod }: { deployment: Deployment; pod: string | null }) {
  const { text, error } = useRawMetrics(deployment.namespace, deployment.name, pod, true);
  if (!pod) return <p className="muted">No ready pod to show.</p>;
  return (
    <div className="raw">
      <div className="card-title">
        Raw Prometheus text of {pod} {error && <span className="error">({error})</span>}
      </div>
      <pre data-testid="raw-metrics">{text ?? 'Loading…'}</pre>
    </div>
  );
}
