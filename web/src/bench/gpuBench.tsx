// The GPU tab under the load (8 GPUs × 6 charts at 2 Hz, 15-minute window) fed by a synthetic gateway in
// the page. Records the main thread's work per update and long tasks into window.__bench for scripts/bench-gpu.mjs.
import { createRoot } from 'react-dom/client';
import type { Deployment } from '../api/types';
import { GpuTab } from '../components/gpu/GpuTab';
import { TelemetryContext } from '../hooks/useTelemetry';
import { TelemetryClient } from '../telemetry/TelemetryClient';
import { syntheticGateway } from './SyntheticGateway';
import '../styles.css';

const GPUS = Number(new URLSearchParams(location.search).get('gpus') ?? 8);

interface Bench {
  updates: number[];
  longTasks: number[];
  heap: { t: number; bytes: number }[];
}
const bench: Bench = { updates: [], longTasks: [], heap: [] };
(window as unknown as { __bench: Bench }).__bench = bench;

// Work per update: the synchronous message handling plus every animation-frame callback until the next message.
let current = 0;
const raf = window.requestAnimationFrame.bind(window);
window.requestAnimationFrame = (cb) =>
  raf((t) => {
    const start = performance.now();
    cb(t);
    current += performance.now() - start;
  });
const Socket = syntheticGateway(GPUS, 500);
class MeasuredSocket extends Socket {
  constructor(url: string) {
    super(url);
    const wrap = () => {
      const handler = this.onmessage;
      if (!handler || (handler as { measured?: boolean }).measured) return;
      const measured = (ev: { data: string }) => {
        if (current > 0) bench.updates.push(current);
        const start = performance.now();
        handler(ev);
        current = performance.now() - start;
      };
      (measured as { measured?: boolean }).measured = true;
      this.onmessage = measured;
    };
    setTimeout(wrap, 0);
  }
}
new PerformanceObserver((list) => list.getEntries().forEach((e) => bench.longTasks.push(e.duration))).observe({ type: 'longtask', buffered: true });
setInterval(() => {
  const mem = (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory;
  if (mem) bench.heap.push({ t: performance.now(), bytes: mem.usedJSHeapSize });
}, 5000);

const deployment: Deployment = {
  namespace: 'bench', name: 'bench', model: 'synthetic', servedModelName: 'synthetic', replicas: { desired: 1, ready: 1 },
  gpusPerReplica: GPUS, ready: '1/1', endpoint: null, observedGeneration: 1, generation: 1, conditions: [],
  pods: [{ name: 'bench-0', node: 'bench', phase: 'Running', ready: true, restarts: 0, gpuUuids: [], conditions: [] }],
  exporter: true,
};
const client = new TelemetryClient(() => 'ws://synthetic', MeasuredSocket as unknown as typeof WebSocket);
createRoot(document.getElementById('root')!).render(
  <TelemetryContext.Provider value={client}>
    <main className="content">
      <GpuTab deployment={deployment} metrics={{ latest: null, history: [], error: null, loading: false }} />
    </main>
  </TelemetryContext.Provider>,
);
