import type uPlot from 'uplot';
import type { DeploymentMetrics, Metrics, Quantiles } from '../../api/types';
import type { ChartSeries } from '../../charts/Chart';

export type Scope = (m: DeploymentMetrics) => Metrics | null | undefined;

/** x = scrape time in seconds, then one column per picked value (null stays a gap). */
export function columns(history: DeploymentMetrics[], scope: Scope, picks: ((m: Metrics) => number | null)[]): uPlot.AlignedData {
  const xs = history.map((h) => h.scrapedAtMs / 1000);
  const cols = picks.map((pick) =>
    history.map((h) => {
      const m = scope(h);
      return m ? pick(m) : null;
    }),
  );
  return [xs, ...cols] as uPlot.AlignedData;
}

const q = (f: (m: Metrics) => Quantiles | null, k: keyof Quantiles) => (m: Metrics) => f(m)?.[k] ?? null;

export const QUANTILE_SERIES: ChartSeries[] = [
  { label: 'p50', color: '#10a37f' },
  { label: 'p95', color: '#f5a524' },
  { label: 'p99', color: '#ef4444' },
];

export const quantilePicks = (f: (m: Metrics) => Quantiles | null) => [q(f, 'p50'), q(f, 'p95'), q(f, 'p99')];
