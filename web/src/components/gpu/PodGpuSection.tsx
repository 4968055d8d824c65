import type { DeploymentMetrics } from '../../api/types';
import { energyPerToken } from '../../domain/energy';
import { gpuHints } from '../../domain/hints';
import type { PodView } from '../../hooks/useTelemetry';
import type { GpuSeries } from '../../telemetry/GpuSeries';
import { HintList } from '../HintList';
import { StateMessage } from '../StateMessage';
import { StreamBadge } from '../StreamBadge';
import { EnergyCard } from './EnergyCard';
import { GpuPanel } from './GpuPanel';

interface Props {
  view: PodView;
  gpuFilter: string;
  windowSeconds: number;
  history: DeploymentMetrics[];
}

const RECENT = 10;

/** One pod's GPUs: stream state, why there is no GPU (the exporter's own words), energy per token, hints, charts. */
export function PodGpuSection({ view, gpuFilter, windowSeconds, history }: Props) {
  const { ref, hello, data, stream } = view;
  const gpus = (hello?.gpus ?? []).filter((g) => !gpuFilter || g.uuid === gpuFilter);
  const series = gpus.map((g) => data?.gpus.get(g.uuid)).filter((s): s is GpuSeries => !!s);
  const energySupported = gpus.length ? !gpus.some((g) => g.capabilities.energy === false) : undefined;
  const hints = gpus.flatMap((g) => {
    const s = data?.gpus.get(g.uuid);
    return gpuHints({
      label: `${ref.pod} GPU ${g.index}`,
      latest: s?.latest ?? null,
      recentSm: s?.recent('gpuUtilPercent', RECENT) ?? [],
      recentMemory: s?.recent('memUtilPercent', RECENT) ?? [],
    });
  });
  return (
    <section className="pod-gpus" data-testid="pod-gpus" data-pod={ref.pod}>
      <h2>
        <span className="mono">{ref.pod}</span> <StreamBadge stream={stream} pod={ref.pod} />
      </h2>
      {!hello && stream.state !== 'down' && <StateMessage kind="loading">Waiting for the exporter's hello…</StateMessage>}
      {hello && !hello.nvml.available && (
        <StateMessage kind="warning" testId="nvml-unavailable">
          No GPU: NVML unavailable — {hello.nvml.reason ?? hello.reason ?? 'the exporter gave no reason'}
        </StateMessage>
      )}
      {hello && hello.nvml.available && hello.gpus.length === 0 && (
        <StateMessage kind="warning" testId="no-gpu">
          No GPU shown: {hello.reason ?? 'the exporter gave no reason'}
        </StateMessage>
      )}
      {hello && hello.nvml.available && hello.gpus.length > 0 && hello.reason && (
        <StateMessage kind="warning">{hello.reason}</StateMessage>
      )}
      {gpus.length > 0 && (
        <EnergyCard pod={ref.pod} energy={energyPerToken({ history, pod: ref.pod, gpus: series, energySupported, windowSeconds })} />
      )}
      <HintList hints={hints} />
      {gpus.map((g) => (
        <GpuPanel key={g.uuid} podRef={ref} gpu={g} data={data} windowSeconds={windowSeconds} />
      ))}
    </section>
  );
}
