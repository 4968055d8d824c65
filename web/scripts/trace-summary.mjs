// Where the renderer's main thread spends its time, from a Chromium trace (CDP Tracing): for the tasks over 50 ms
// and for all tasks, the self time per event kind (script, style, layout, paint, GC, ...), largest first. Used by
// scripts/bench-gpu.mjs when BENCH_TRACE=<file> is set, to see which part of an update makes the long tasks.

export const TRACE_CATEGORIES = (process.env.BENCH_TRACE_CATEGORIES ? [process.env.BENCH_TRACE_CATEGORIES] : [
  'toplevel', 'devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8', 'v8.execute', 'blink.user_timing',
]).join(',');

/** Starts tracing on a CDP session; returns a function that stops it and resolves to the trace events. */
export async function startTrace(cdp) {
  const chunks = [];
  cdp.on('Tracing.dataCollected', (e) => chunks.push(...e.value));
  await cdp.send('Tracing.start', { categories: TRACE_CATEGORIES, transferMode: 'ReportEvents' });
  return async () => {
    const done = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
    await cdp.send('Tracing.end');
    await done;
    return chunks;
  };
}

/** Complete events (ph X) on the renderer's main thread, sorted by start. */
function mainThreadEvents(events) {
  const main = events.find((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  if (!main) return [];
  return events
    .filter((e) => e.ph === 'X' && e.pid === main.pid && e.tid === main.tid && e.dur != null)
    .sort((a, b) => a.ts - b.ts || b.dur - a.dur);
}

/** Self time (µs) per event name inside one top-level task: each nested event's time minus its children's. */
function selfTimes(task, inside, into) {
  const stack = [];
  const close = (until) => {
    while (stack.length && stack.at(-1).end <= until) {
      const e = stack.pop();
      into.set(e.name, (into.get(e.name) ?? 0) + e.dur - e.childDur);
      if (stack.length) stack.at(-1).childDur += e.dur;
    }
  };
  for (const e of [task, ...inside]) {
    close(e.ts);
    stack.push({ name: e.name, end: e.ts + e.dur, dur: e.dur, childDur: 0 });
  }
  close(Infinity);
}

/** { longTasks, longTaskMs: [...], long: [[name, ms], ...], all: [[name, ms], ...] } over the traced run. */
export function summarizeTrace(events, longMs = 50) {
  const xs = mainThreadEvents(events);
  // Top-level tasks only: Chromium nests ThreadControllerImpl::RunTask inside RunTask.
  const tasks = [];
  for (const e of xs) {
    if (e.name !== 'RunTask' && e.name !== 'ThreadControllerImpl::RunTask') continue;
    const prev = tasks.at(-1);
    if (!prev || e.ts >= prev.ts + prev.dur) tasks.push(e);
  }
  const long = new Map();
  const all = new Map();
  const longTaskMs = [];
  let i = 0;
  for (const task of tasks) {
    const end = task.ts + task.dur;
    while (i < xs.length && xs[i].ts < task.ts) i++;
    const inside = [];
    for (let j = i; j < xs.length && xs[j].ts < end; j++) if (xs[j] !== task && xs[j].ts + xs[j].dur <= end) inside.push(xs[j]);
    selfTimes(task, inside, all);
    if (task.dur > longMs * 1000) {
      longTaskMs.push(task.dur / 1000);
      selfTimes(task, inside, long);
    }
  }
  const top = (m) => [...m].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([n, us]) => [n, +(us / 1000).toFixed(1)]);
  return { tasks: tasks.length, longTasks: longTaskMs.length, longTaskMs, long: top(long), all: top(all) };
}

/** Starts the V8 sampling profiler on a CDP session; the returned function stops it and resolves to the profile. */
export async function startCpuProfile(cdp) {
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  return async () => (await cdp.send('Profiler.stop')).profile;
}

/** The functions with the most self time in a CPU profile: [[name file:line, ms], ...]. */
export function topFunctions(profile, n = 15) {
  const self = new Map();
  const dt = new Map(profile.nodes.map((node) => [node.id, 0]));
  profile.samples.forEach((id, i) => dt.set(id, dt.get(id) + (profile.timeDeltas[i + 1] ?? 0)));
  for (const node of profile.nodes) {
    const f = node.callFrame;
    const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + dt.get(node.id));
  }
  return [...self].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, us]) => [k, +(us / 1000).toFixed(1)]);
}
