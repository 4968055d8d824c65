import type { Deployment } from '../../api/types';
import { fmt, fmtPercent } from '../../domain/format';
import { latestSamples, summarise } from '../../domain/gpuSummary';
import { usePodMetrics } from '../../hooks/usePodMetrics';
import type { PodView } from '../../hooks/useTelemetry';
import { deploymentUrl } from '../../router';
import { HealthBadge } from '../HealthBadge';
import { Link } from '../Link';

export function DeploymentRow({ deployment: d, pods }: { deployment: Deployment; pods: PodView[] }) {
  const { latest } = usePodMetrics(d.namespace, d.name);
  const gpu = summarise(latestSamples(pods));
  const conditions = d.conditions.filter((c) => c.status !== 'True' || c.type === 'Ready');
  return (
    <tr data-testid="deployment-row" data-name={`${d.namespace}/${d.name}`}>
      <td>
        <Link href={deploymentUrl(d.namespace, d.name)}>{d.name}</Link>
      </td>
      <td>{d.namespace}</td>
      <td className="mono" title={d.model}>
        {d.servedModelName}
      </td>
      <td>{d.ready}</td>
      <td>{d.gpusPerReplica * d.replicas.desired}</td>
      <td data-testid="row-throughput">{fmt(latest?.total.generationTokensPerSecond)}</td>
      <td>{fmtPercent(latest?.total.kvCacheUsagePercent)}</td>
      <td>{d.exporter ? fmtPercent(gpu.meanUtilPercent, 0) : 'no exporter'}</td>
      <td>{d.exporter ? fmt(gpu.powerWatts, 0, 'W') : 'no exporter'}</td>
      <td className="conditions">
        {conditions.map((c) => (
          <span key={c.type} className={`cond cond-${c.status}`} title={c.message ?? undefined}>
            {c.type}={c.status}
            {c.reason ? ` (${c.reason})` : ''}
          </span>
        ))}
      </td>
      <td>
        <HealthBadge deployment={d} />
      </td>
    </tr>
  );
}
