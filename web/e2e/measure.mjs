// Main-thread cost of the live GPU tab in the real console, measured as src/bench/gpuBench.tsx does in the
// synthetic page: the work per update is the synchronous handling of one telemetry WebSocket message plus every
// animation-frame callback until the next message (the chart redraws); long tasks come from a `longtask` observer
// and the JS heap from performance.memory every 5 s. Installed before the app's scripts (page.addInitScript).
//
// With `fillSeconds`, every telemetry `history` frame the gateway sends is extended backwards to that many seconds
// of samples before the app sees it (copies of its oldest sample with the values varied, at the exporter's 500 ms),
// so the charts hold a full 15-minute window without a 15-minute wait. The app takes them through the same
// WebSocket message, parser and buffers as real frames; only their age is made up.
export function installMeasurement({ fillSeconds = 0 } = {}) {
  const m = { updates: [], longTasks: [], heap: [] };
  window.__measure = m;
  let current = 0;
  const raf = window.requestAnimationFrame.bind(window);
  window.requestAnimationFrame = (cb) =>
    raf((t) => {
      const start = performance.now();
      cb(t);
      current += performance.now() - start;
    });
  const Base = window.WebSocket;
  const desc = Object.getOwnPropertyDescriptor(Base.prototype, 'onmessage');
  class MeasuredSocket extends Base {
    set onmessage(handler) {
      const telemetry = String(this.url).includes('/ws/telemetry');
      desc.set.call(this, !handler || !telemetry ? handler : (ev) => {
        if (fillSeconds > 0) ev = { data: backfill(ev.data) };
        if (current > 0) m.updates.push(current);
        const start = performance.now();
        handler.call(this, ev);
        current = performance.now() - start;
      });
    }
    get onmessage() {
      return desc.get.call(this);
    }
  }
  window.WebSocket = MeasuredSocket;
  const VARIED = ['gpuUtilPercent', 'memoryUtilPercent', 'powerWatts', 'temperatureCelsius', 'smClockMhz', 'pcieTxBytesPerSecond', 'pcieRxBytesPerSecond', 'memoryUsedBytes'];
  function backfill(raw) {
    if (typeof raw !== 'string' || !raw.includes('"history"')) return raw;
    const msg = JSON.parse(raw);
    const samples = msg.type === 'frame' && msg.frame.type === 'history' ? msg.frame.samples : null;
    if (!samples?.length) return raw;
    const oldest = samples[0];
    const from = samples.at(-1).timeMs - fillSeconds * 1000;
    const older = [];
    for (let t = oldest.timeMs - 500, k = 1; t >= from; t -= 500, k++) {
      const w = Math.sin(k / 9) * (k % 97 === 0 ? 3 : 1); // a slow wave, with a spike now and then
      older.push({
        ...oldest, seq: oldest.seq - k, monoMs: oldest.monoMs - k * 500, timeMs: t,
        gpus: oldest.gpus.map((g) => {
          const v = { ...g };
          for (const f of VARIED) if (typeof g[f] === 'number') v[f] = Math.max(0, g[f] * (1 + 0.2 * w));
          for (const f of ['gpuUtilPercent', 'memoryUtilPercent']) if (typeof v[f] === 'number') v[f] = Math.min(100, v[f]);
          if (typeof v.memoryUsedBytes === 'number') v.memoryUsedBytes = Math.min(g.memoryTotalBytes ?? Infinity, v.memoryUsedBytes);
          if (typeof g.energyJoules === 'number') v.energyJoules = Math.max(0, g.energyJoules - k * 500 * (g.powerWatts ?? 0) / 1000);
          return v;
        }),
      });
    }
    msg.frame.samples = older.reverse().concat(samples);
    return JSON.stringify(msg);
  }
  new PerformanceObserver((list) => list.getEntries().forEach((e) => m.longTasks.push(e.duration)))
    .observe({ type: 'longtask', buffered: true });
  setInterval(() => {
    if (performance.memory) m.heap.push({ t: performance.now(), bytes: performance.memory.usedJSHeapSize });
  }, 5000);
}

/** Clears what was recorded so far (the page load and the history replay), to measure the steady state. */
export function resetMeasurement() {
  window.__measure.updates.length = 0;
  window.__measure.longTasks.length = 0;
  window.__measure.heap.length = 0;
}

/** p50/p95/max of the work per update, long tasks and heap, as numbers (ms, MiB). */
export function summarize(r) {
  const sorted = [...r.updates].sort((a, b) => a - b);
  const q = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
  const mib = (b) => +(b / 2 ** 20).toFixed(1);
  return {
    updates: sorted.length,
    p50Ms: +q(0.5).toFixed(2),
    p95Ms: +q(0.95).toFixed(2),
    maxMs: +q(1).toFixed(2),
    longTasksOver50Ms: r.longTasks.length,
    longestTaskMs: r.longTasks.length ? Math.round(Math.max(...r.longTasks)) : 0,
    heapStartMiB: r.heap.length ? mib(r.heap[0].bytes) : null,
    heapEndMiB: r.heap.length ? mib(r.heap.at(-1).bytes) : null,
    heapMaxMiB: r.heap.length ? mib(Math.max(...r.heap.map((h) => h.bytes))) : null,
  };
}
