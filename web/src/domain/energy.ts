import type { DeploymentMetrics } from '../api/types';
import type { GpuSeries } from '../telemetry/GpuSeries';

export interface EnergyPerToken {
  joulesPerToken: number | null;
  /** Why there is no number (a sentence for the user), null when there is one. */
  reason: string | null;
  joules: number | null;
  tokens: number | null;
  seconds: number | null;
}

export interface EnergyInput {
  /** The metrics history (2 s scrapes). */
  history: DeploymentMetrics[];
  /** The pod whose generation-token counter is used. */
  pod: string;
  /** That pod's GPUs' sample columns. */
  gpus: GpuSeries[];
  /** Whether these GPUs have an energy counter (hello capabilities.energy); false → "not supported". */
  energySupported: boolean | undefined;
  windowSeconds: number;
}

const none = (reason: string): EnergyPerToken => ({ joulesPerToken: null, reason, joules: null, tokens: null, seconds: null });

/** Energy counter value at `seconds`: the last sample at or before it (null when none or not measured). */
function energyAt(series: GpuSeries, seconds: number): number | null {
  const i = series.indexAtOrAfter(seconds);
  const at = i < series.length && series.time(i) === seconds ? i : i - 1;
  return at < 0 ? null : series.value('energyJoules', at);
}

/**
 * Joules per generated token over the same window: Δ(sum of the pod's GPU energy counters) / Δ(the pod's
 * vllm:generation_tokens_total), both taken at the first and last scrape inside the window.
 */
export function energyPerToken(input: EnergyInput): EnergyPerToken {
  const { history, pod, gpus, energySupported, windowSeconds } = input;
  if (energySupported === false) return none('not supported: this GPU has no energy counter');
  const points = history
    .map((m) => ({ t: m.scrapedAtMs, tokens: m.pods.find((p) => p.pod === pod)?.metrics?.generationTokensTotal ?? null }))
    .filter((p): p is { t: number; tokens: number } => p.tokens != null);
  if (points.length < 2) return none('collecting: needs two metric scrapes');
  const last = points[points.length - 1];
  const first = points.find((p) => p.t >= last.t - windowSeconds * 1000)!;
  if (first === last) return none('collecting: needs two metric scrapes in the window');
  const tokens = last.tokens - first.tokens;
  if (tokens < 0) return none('the token counter was reset in this window');
  const minutes = Math.round(windowSeconds / 60);
  if (tokens === 0) return none(`no tokens generated in the last ${minutes} min`);
  if (gpus.length === 0) return none('no GPU samples for this pod');
  let joules = 0;
  for (const s of gpus) {
    const a = energyAt(s, first.t / 1000);
    const b = energyAt(s, last.t / 1000);
    if (a == null || b == null) return none('no energy samples covering this window yet');
    joules += b - a;
  }
  return { joulesPerToken: joules / tokens, reason: null, joules, tokens, seconds: (last.t - first.t) / 1000 };
}
