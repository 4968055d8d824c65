// Main-thread cost of the live GPU tab in the real console, measured as src/bench/gpuBench.tsx does in the
// synthetic page: the work per update is the synchronous handling of one telemetry WebSocket message plus every
// animation-frame callback until the next message (the chart redraws); long tasks come from a `longtask` observer
// and the JS heap from performance.memory every 5 s. Installed before the app's scripts (page.addInitScript).
export function installMeasurement() {
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
