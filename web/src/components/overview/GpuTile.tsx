import type { GpuSample, HelloGpu } from '../../api/types';
import { fmt, fmtBytes, NOT_SUPPORTED } from '../../domain/format';

function value(supported: boolean | undefined, text: string): string {
  return supported === false ? NOT_SUPPORTED : text;
}

export function GpuTile({ gpu, sample, live }: { gpu: HelloGpu; sample: GpuSample | null; live: boolean }) {
  const caps = gpu.capabilities;
  const lost = sample?.state === 'lost';
  return (
    <div className={`gpu-tile${live ? '' : ' stale'}`} data-testid="gpu-tile" data-uuid={gpu.uuid}>
      <div className="gpu-tile-name" title={gpu.uuid}>
        GPU {gpu.index} · {gpu.name}
      </div>
      {lost ? (
        <div className="error">lost (fell off the bus)</div>
      ) : (
        <dl>
          <dt>util</dt>
          <dd>{value(caps.utilization, fmt(sample?.gpuUtilPercent, 0, '%'))}</dd>
          <dt>mem</dt>
          <dd>
            {value(caps.memory, `${fmtBytes(sample?.memoryUsedBytes)} / ${fmtBytes(sample?.memoryTotalBytes ?? gpu.memoryTotalBytes)}`)}
          </dd>
          <dt>temp</dt>
          <dd>{value(caps.temperature, fmt(sample?.temperatureCelsius, 0, '°C'))}</dd>
        </dl>
      )}
    </div>
  );
}
