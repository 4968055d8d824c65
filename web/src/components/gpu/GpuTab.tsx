import { useMemo, useState } from 'react';
import type { Deployment } from '../../api/types';
import type { PodMetricsState } from '../../hooks/usePodMetrics';
import { useTelemetry } from '../../hooks/useTelemetry';
import { StateMessage } from '../StateMessage';
import { PodGpuSection } from './PodGpuSection';

export const WINDOWS = [
  { seconds: 60, label: '1 min' },
  { seconds: 300, label: '5 min' },
  { seconds: 900, label: '15 min' },
];

/**
 * Live GPU charts per pod and GPU. This component re-renders when a pod's stream status or hello changes and
 * with the 2 s metrics poll (energy per token, hints), never per sample: the charts redraw themselves.
 */
export function GpuTab({ deployment: d, metrics }: { deployment: Deployment; metrics: PodMetricsState }) {
  const [windowSeconds, setWindow] = useState(300);
  const [podFilter, setPod] = useState('');
  const [gpuFilter, setGpu] = useState('');
  const pods = useMemo(() => (d.exporter ? d.pods.map((p) => ({ namespace: d.namespace, pod: p.name })) : []), [d]);
  const telemetry = useTelemetry(pods, windowSeconds);
  const shown = telemetry.pods.filter((p) => !podFilter || p.ref.pod === podFilter);
  const gpuChoices = shown.flatMap((p) => (p.hello?.gpus ?? []).map((g) => ({ pod: p.ref.pod, gpu: g })));

  if (!d.exporter) return <StateMessage kind="empty">This deployment runs without the GPU exporter sidecar.</StateMessage>;
  if (pods.length === 0) return <StateMessage kind="empty">No pods yet.</StateMessage>;
  return (
    <div className="gpu-tab">
      <div className="toolbar">
        <label>
          Pod{' '}
          <select aria-label="Pod" data-testid="gpu-pod" value={podFilter} onChange={(e) => (setPod(e.target.value), setGpu(''))}>
            <option value="">all pods</option>
            {pods.map((p) => (
              <option key={p.pod} value={p.pod}>
                {p.pod}
              </option>
            ))}
          </select>
        </label>
        <label>
          GPU{' '}
          <select aria-label="GPU" data-testid="gpu-select" value={gpuFilter} onChange={(e) => setGpu(e.target.value)}>
            <option value="">all GPUs</option>
            {gpuChoices.map(({ pod, gpu }) => (
              <option key={gpu.uuid} value={gpu.uuid}>
                {pod} · GPU {gpu.index}
              </option>
            ))}
          </select>
        </label>
        <div role="radiogroup" aria-label="Window" className="segmented">
          {WINDOWS.map((w) => (
            <button
              key={w.seconds}
              type="button"
              role="radio"
              aria-checked={w.seconds === windowSeconds}
              className={w.seconds === windowSeconds ? 'active' : ''}
              onClick={() => setWindow(w.seconds)}
              data-testid={`window-${w.seconds}`}
            >
              {w.label}
            </button>
          ))}
        </div>
      </div>
      {shown.map((view) => (
        <PodGpuSection key={view.ref.pod} view={view} gpuFilter={gpuFilter} windowSeconds={windowSeconds} history={metrics.history} />
      ))}
    </div>
  );
}
