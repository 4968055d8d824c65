import type { PodView } from '../../hooks/useTelemetry';
import { useSampleVersion } from '../../hooks/useTelemetry';
import { StreamBadge } from '../StreamBadge';
import { GpuTile } from './GpuTile';

/** Every GPU of every pod as a small live tile; a pod without GPUs says why. */
export function GpuStrip({ pods }: { pods: PodView[] }) {
  useSampleVersion();
  if (pods.length === 0) return <p className="muted">No pod runs the GPU exporter.</p>;
  return (
    <div className="gpu-strip" data-testid="gpu-strip">
      {pods.map((p) => {
        const gpus = p.hello?.gpus ?? [];
        const why = p.hello && gpus.length === 0 ? (p.hello.nvml.reason ?? p.hello.reason) : null;
        return (
          <div className="gpu-strip-pod" key={`${p.ref.namespace}/${p.ref.pod}`}>
            <div className="gpu-strip-head">
              <span className="mono">{p.ref.pod}</span> <StreamBadge stream={p.stream} pod={p.ref.pod} />
            </div>
            {why && (
              <div className="gpu-tile gpu-tile-empty" data-testid="no-gpu">
                No GPU: {why}
              </div>
            )}
            {gpus.map((g) => (
              <GpuTile key={g.uuid} gpu={g} sample={p.data?.gpus.get(g.uuid)?.latest ?? null} live={p.stream.state === 'up'} />
            ))}
          </div>
        );
      })}
    </div>
  );
}
