import type { DeploymentMetrics, GpuSample, Metrics } from '../api/types';
import { fmt } from './format';

/** A tuning hint: what the console saw (with the number) and what usually helps (docs/metrics.md). */
export interface Hint {
  id: string;
  saw: string;
  advice: string;
}

export const KV_CACHE_LIMIT_PERCENT = 90;
export const QUEUE_LIMIT = 10;
export const QUEUE_SECONDS = 60;
export const HOT_CELSIUS = 85;
export const LOW_SM_PERCENT = 40;
export const HIGH_MEMORY_PERCENT = 60;
/** Clock event reasons that are not throttling (idle, settings). */
const BENIGN_REASONS = new Set(['gpu_idle', 'applications_clocks_setting', 'display_clock_setting']);

type Pick = (m: DeploymentMetrics) => Metrics | null | undefined;

/** Hints from the engine's metrics; `pick` chooses the total or one pod. */
export function inferenceHints(history: DeploymentMetrics[], pick: Pick = (m) => m.total): Hint[] {
  const latest = history.length ? pick(history[history.length - 1]) : null;
  if (!latest) return [];
  const hints: Hint[] = [];
  const kv = latest.kvCacheUsagePercent;
  if (kv != null && kv > KV_CACHE_LIMIT_PERCENT) {
    hints.push({
      id: 'kv-cache',
      saw: `KV cache usage ${fmt(kv)} % (above ${KV_CACHE_LIMIT_PERCENT} %)`,
      advice: 'lower max_model_len (or max_num_seqs), give the cache more memory, or add a replica',
    });
  }
  const queued = queueAboveLimitFor(history, pick);
  if (queued) {
    hints.push({
      id: 'queue',
      saw: `${fmt(queued.min, 0)}+ requests waiting for ${fmt(queued.seconds, 0)} s (above ${QUEUE_LIMIT} for a minute)`,
      advice: 'the pod is saturated: scale up (more replicas), or raise max_num_seqs if KV usage allows',
    });
  }
  const preempt = latest.preemptionsPerSecond;
  if (preempt != null && preempt > 0) {
    hints.push({
      id: 'preemptions',
      saw: `${fmt(preempt, 2)} preemptions/s`,
      advice: 'sequences are evicted to free KV blocks: more KV memory, smaller max_num_seqs or max_model_len',
    });
  }
  return hints;
}

/** The queue stayed above the limit in every scrape of the last minute (and the history covers a minute). */
function queueAboveLimitFor(history: DeploymentMetrics[], pick: Pick): { min: number; seconds: number } | null {
  if (history.length < 2) return null;
  const end = history[history.length - 1].scrapedAtMs;
  let min = Infinity;
  let start = end;
  for (let i = history.length - 1; i >= 0; i--) {
    const w = pick(history[i])?.waiting;
    if (w == null || w <= QUEUE_LIMIT) return null;
    min = Math.min(min, w);
    start = history[i].scrapedAtMs;
    if (end - start >= QUEUE_SECONDS * 1000) return { min, seconds: (end - start) / 1000 };
  }
  return null;
}

export interface GpuHintInput {
  label: string;
  latest: GpuSample | null;
  /** Recent SM and memory-controller utilisation (last few samples), for a steadier memory-bound verdict. */
  recentSm: (number | null)[];
  recentMemory: (number | null)[];
}

const mean = (xs: (number | null)[]): number | null => {
  const v = xs.filter((x): x is number => x != null);
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : null;
};

/** Hints from one GPU's telemetry. */
export function gpuHints(gpu: GpuHintInput): Hint[] {
  const hints: Hint[] = [];
  const s = gpu.latest;
  if (!s || s.state === 'lost') return hints;
  if (s.temperatureCelsius != null && s.temperatureCelsius > HOT_CELSIUS) {
    hints.push({
      id: `${gpu.label}-hot`,
      saw: `${gpu.label} at ${fmt(s.temperatureCelsius, 0)} °C (above ${HOT_CELSIUS} °C)`,
      advice: 'thermal throttling is likely (watch the SM clock): check the cooling',
    });
  }
  const sm = mean(gpu.recentSm);
  const mem = mean(gpu.recentMemory);
  if (sm != null && mem != null && sm < LOW_SM_PERCENT && mem > HIGH_MEMORY_PERCENT) {
    hints.push({
      id: `${gpu.label}-memory-bound`,
      saw: `${gpu.label}: SM ${fmt(sm, 0)} % busy with the memory controller ${fmt(mem, 0)} % busy`,
      advice: 'memory-bound: larger batches (max_num_seqs) use the bandwidth better',
    });
  }
  const reasons = (s.clockEventReasons ?? []).filter((r) => !BENIGN_REASONS.has(r));
  if (reasons.length > 0) {
    hints.push({
      id: `${gpu.label}-throttle`,
      saw: `${gpu.label} clocks held down: ${reasons.join(', ')} (SM clock ${fmt(s.smClockMhz, 0, 'MHz')})`,
      advice: reasons.some((r) => r.includes('thermal'))
        ? 'thermal slowdown: check the cooling'
        : 'power capped: the GPU is at its power limit; fewer concurrent sequences lower the draw',
    });
  }
  return hints;
}
