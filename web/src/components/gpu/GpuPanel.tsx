import type { HelloGpu, PodRef } from '../../api/types';
import type { PodTelemetry } from '../../telemetry/PodTelemetry';
import { fmtBytes } from '../../domain/format';
import { GpuChartBox } from './GpuChartBox';
import { GpuFacts } from './GpuFacts';
import { GPU_CHARTS } from './gpuCharts';

interface Props {
  podRef: PodRef;
  gpu: HelloGpu;
  data: PodTelemetry | undefined;
  windowSeconds: number;
}

/** One GPU: its six live charts and its other fields. */
export function GpuPanel({ podRef, gpu, data, windowSeconds }: Props) {
  return (
    <section className="gpu-panel" data-testid="gpu-panel" data-pod={podRef.pod} data-uuid={gpu.uuid} aria-label={`GPU ${gpu.index}`}>
      <h3>
        GPU {gpu.index} · {gpu.name} <span className="muted mono">{gpu.uuid}</span>{' '}
        <span className="muted">{fmtBytes(gpu.memoryTotalBytes)}</span>
      </h3>
      <div className="gpu-charts">
        {GPU_CHARTS.map((spec) => (
          <GpuChartBox key={spec.id} spec={spec} podRef={podRef} uuid={gpu.uuid} caps={gpu.capabilities} windowSeconds={windowSeconds} />
        ))}
      </div>
      <GpuFacts series={data?.gpus.get(gpu.uuid)} caps={gpu.capabilities} />
    </section>
  );
}
