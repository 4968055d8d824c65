import type { GpuSample } from '../api/types';
import type { PodView } from '../hooks/useTelemetry';

export interface GpuSummary {
  gpus: number;
  meanUtilPercent: number | null;
  powerWatts: number | null;
}

/** The newest sample of every GPU of these pods (streams that are down contribute nothing). */
export function latestSamples(pods: PodView[]): GpuSample[] {
  return pods.flatMap((p) =>
    p.stream.state === 'up' && p.data ? [...p.data.gpus.values()].flatMap((s) => (s.latest ? [s.latest] : [])) : [],
  );
}

export function summarise(samples: GpuSample[]): GpuSummary {
  const util = samples.map((s) => s.gpuUtilPercent).filter((v): v is number => v != null);
  const power = samples.map((s) => s.powerWatts).filter((v): v is number => v != null);
  return {
    gpus: samples.length,
    meanUtilPercent: util.length ? util.reduce((a, b) => a + b, 0) / util.length : null,
    powerWatts: power.length ? power.reduce((a, b) => a + b, 0) : null,
  };
}
