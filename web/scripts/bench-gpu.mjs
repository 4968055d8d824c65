// Benchmark of the GPU tab: 8 GPUs × 6 uPlot charts at 2 Hz over a 15-minute window, in headless Chromium.
// Builds bench/gpu.html in production mode, serves it, and prints the main thread's work per update, long tasks
// and JS heap over the run. Needs Chromium (apt-get install -y chromium); playwright-core is a devDependency.
// The same numbers for the real console on the real stack come from the end-to-end run (e2e/console.e2e.mjs).
//   node scripts/bench-gpu.mjs [seconds=60] [gpus=8]
// BENCH_TRACE=<file> also records a Chromium trace of the measured run and prints the main thread's self time per
// event kind (script, layout, paint, commit, GC) in the long tasks and overall; BENCH_CPU_PROFILE=<file> builds
// unminified and prints the JavaScript functions with the most self time; BENCH_CSS=<css> adds a style sheet to the
// page (to compare a CSS change, e.g. the containment, on the same load); BENCH_TRACE_CATEGORIES replaces the traced
// categories; BENCH_PORT serves on another port (two benches at once).
import { build, preview } from 'vite';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { startCpuProfile, startTrace, summarizeTrace, topFunctions } from './trace-summary.mjs';

const seconds = Number(process.argv[2] ?? 60);
const gpus = Number(process.argv[3] ?? 8);
const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = fileURLToPath(new URL('../node_modules/.bench-dist', import.meta.url)) + (process.env.BENCH_PORT ?? '');
const port = Number(process.env.BENCH_PORT ?? 4199);

await build({ root, logLevel: 'warn', build: { minify: !process.env.BENCH_CPU_PROFILE, outDir, emptyOutDir: true, rollupOptions: { input: `${root}/bench/gpu.html` } } });
const server = await preview({ root, build: { outDir }, preview: { port, strictPort: true }, logLevel: 'warn' });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--enable-precise-memory-info'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  await page.goto(`http://127.0.0.1:${port}/bench/gpu.html?gpus=${gpus}`);
  if (process.env.BENCH_CSS) await page.addStyleTag({ content: process.env.BENCH_CSS });
  await page.getByTestId('window-900').click();
  if (gpus > 0) await page.waitForFunction(
    () => [...document.querySelectorAll('[data-testid^=gpu-chart-]')].some((e) => Number(e.dataset.points) >= 1790),
    null,
    { timeout: 30_000 },
  );
  await page.waitForTimeout(3000); // the 15-minute history has loaded: measure the steady state from here
  await page.evaluate(() => {
    const b = window.__bench;
    b.updates.length = 0;
    b.longTasks.length = 0;
    b.heap.length = 0;
  });
  const cdp = await page.context().newCDPSession(page);
  const stopTrace = process.env.BENCH_TRACE ? await startTrace(cdp) : null;
  const stopProfile = process.env.BENCH_CPU_PROFILE ? await startCpuProfile(cdp) : null;
  await page.waitForTimeout(seconds * 1000);
  const r = await page.evaluate(() => ({
    ...window.__bench,
    charts: document.querySelectorAll('[data-testid^=gpu-chart-]').length,
    points: [...document.querySelectorAll('[data-testid^=gpu-chart-]')].map((e) => Number(e.dataset.points)),
  }));
  if (stopProfile) {
    const profile = await stopProfile();
    writeFileSync(process.env.BENCH_CPU_PROFILE, JSON.stringify(profile));
    console.log(`main-thread JS, self time: ${JSON.stringify(topFunctions(profile))}`);
  }
  if (stopTrace) {
    const events = await stopTrace();
    writeFileSync(process.env.BENCH_TRACE, JSON.stringify({ traceEvents: events }));
    console.log(`trace: ${JSON.stringify(summarizeTrace(events))}`);
  }
  const sorted = [...r.updates].sort((a, b) => a - b);
  const q = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
  const mb = (b) => (b / 2 ** 20).toFixed(1);
  console.log(`charts ${r.charts}, points per chart ${Math.min(...r.points)}..${Math.max(...r.points)}, run ${seconds} s, ${r.updates.length} updates`);
  console.log(`main-thread work per update: p50 ${q(0.5).toFixed(2)} ms, p95 ${q(0.95).toFixed(2)} ms, max ${q(1).toFixed(2)} ms`);
  console.log(`long tasks (> 50 ms): ${r.longTasks.length}${r.longTasks.length ? ` (max ${Math.max(...r.longTasks).toFixed(0)} ms)` : ''}`);
  if (r.heap.length > 1) {
    // Flat memory: the mean heap of the first and of the last minute (of the first and last fifth in a shorter run).
    const span = Math.min(60_000, (r.heap.at(-1).t - r.heap[0].t) / 5);
    const mean = (xs) => xs.reduce((a, h) => a + h.bytes, 0) / xs.length;
    const first = r.heap.filter((h) => h.t <= r.heap[0].t + span);
    const last = r.heap.filter((h) => h.t >= r.heap.at(-1).t - span);
    const max = Math.max(...r.heap.map((h) => h.bytes));
    console.log(`JS heap: ${mb(mean(first))} MiB over the first ${(span / 1000).toFixed(0)} s, ${mb(mean(last))} MiB over the last ${(span / 1000).toFixed(0)} s (max ${mb(max)} MiB)`);
  }
  console.log(`load average: ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
} finally {
  await browser.close();
  await new Promise((resolve) => server.httpServer.close(resolve));
}
