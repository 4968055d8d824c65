import { useMemo, useState } from 'react';
import type { Deployment, Metrics, Quantiles } from '../../api/types';
import { fmt, fmtPercent, fmtSeconds } from '../../domain/format';
import { inferenceHints } from '../../domain/hints';
import type { PodMetricsState } from '../../hooks/usePodMetrics';
import { HintList } from '../HintList';
import { StateMessage } from '../StateMessage';
import { columns, QUANTILE_SERIES, quantilePicks, type Scope } from './metricCards';
import { MetricCard } from './MetricCard';
import { RawMetrics } from './RawMetrics';

const quantiles = (v: Quantiles | null | undefined) =>
  `p50 ${fmtSeconds(v?.p50)} · p95 ${fmtSeconds(v?.p95)} · p99 ${fmtSeconds(v?.p99)}`;

export function InferenceTab({ deployment, metrics }: { deployment: Deployment; metrics: PodMetricsState }) {
  const [pod, setPod] = useState<string>('');
  const [raw, setRaw] = useState(false);
  const scope: Scope = useMemo(
    () => (pod ? (m) => m.pods.find((p) => p.pod === pod)?.metrics : (m) => m.total),
    [pod],
  );
  const h = metrics.history;
  const cols = (picks: ((m: Metrics) => number | null)[]) => columns(h, scope, picks);
  const data = useMemo(
    () => ({
      kv: cols([(m) => m.kvCacheUsagePercent]),
      tput: cols([(m) => m.generationTokensPerSecond, (m) => m.promptTokensPerSecond]),
      ttft: cols(quantilePicks((m) => m.ttftSeconds)),
      itl: cols(quantilePicks((m) => m.interTokenLatencySeconds)),
      e2e: cols(quantilePicks((m) => m.e2eLatencySeconds)),
      queue: cols([(m) => m.running, (m) => m.waiting]),
      prefix: cols([(m) => (m.prefixCacheHitRate == null ? null : m.prefixCacheHitRate * 100)]),
      preempt: cols([(m) => m.preemptionsPerSecond]),
    }),
    [h, scope],
  );

  if (metrics.loading) return <StateMessage kind="loading">Scraping the pods' metrics…</StateMessage>;
  const latest = metrics.latest;
  if (!latest) return <StateMessage kind="error">Cannot read metrics: {metrics.error}</StateMessage>;
  const m = scope(latest);
  const podState = pod ? latest.pods.find((p) => p.pod === pod) : null;

  return (
    <div className="inference">
      <div className="toolbar">
        <label>
          Pod{' '}
          <select value={pod} onChange={(e) => setPod(e.target.value)} aria-label="Pod" data-testid="inference-pod">
            <option value="">all pods (total)</option>
            {deployment.pods.map((p) => (
              <option key={p.name} value={p.name}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
        <span className="muted">
          every {latest.intervalMs / 1000} s · quantiles over {latest.windowSeconds} s
        </span>
        {metrics.error && <span className="error">last poll failed: {metrics.error}</span>}
        <span className="spacer" />
        <button type="button" className="ghost" aria-pressed={raw} onClick={() => setRaw(!raw)} data-testid="raw-toggle">
          {raw ? 'Hide raw' : 'Show raw'}
        </button>
      </div>
      {podState && !podState.up && (
        <StateMessage kind="error">Pod {pod} did not answer its scrape: {podState.error ?? 'down'}</StateMessage>
      )}
      <HintList hints={inferenceHints(h, scope)} />
      <div className="cards">
        <MetricCard id="kv-cache" title="KV cache usage" value={fmtPercent(m?.kvCacheUsagePercent)} series={[{ label: 'KV %', color: '#10a37f' }]} data={data.kv} />
        <MetricCard
          id="throughput"
          title="Throughput"
          value={`${fmt(m?.generationTokensPerSecond)} tokens/s`}
          detail={`prefill ${fmt(m?.promptTokensPerSecond)} tokens/s · ${fmt(m?.generationTokensTotal, 0)} generated`}
          series={[{ label: 'generation', color: '#10a37f' }, { label: 'prompt', color: '#8ab4f8' }]}
          data={data.tput}
        />
        <MetricCard id="ttft" title="Time to first token" value={fmtSeconds(m?.ttftSeconds?.p95)} detail={quantiles(m?.ttftSeconds)} series={QUANTILE_SERIES} data={data.ttft} />
        <MetricCard id="itl" title="Inter-token latency" value={fmtSeconds(m?.interTokenLatencySeconds?.p95)} detail={quantiles(m?.interTokenLatencySeconds)} series={QUANTILE_SERIES} data={data.itl} />
        <MetricCard id="e2e" title="End-to-end latency" value={fmtSeconds(m?.e2eLatencySeconds?.p95)} detail={quantiles(m?.e2eLatencySeconds)} series={QUANTILE_SERIES} data={data.e2e} />
        <MetricCard
          id="queue"
          title="Queue"
          value={`${fmt(m?.waiting, 0)} waiting`}
          detail={`${fmt(m?.running, 0)} running`}
          series={[{ label: 'running', color: '#10a37f' }, { label: 'waiting', color: '#f5a524' }]}
          data={data.queue}
        />
        <MetricCard
          id="prefix-cache"
          title="Prefix-cache hit rate"
          value={fmtPercent(m?.prefixCacheHitRate == null ? null : m.prefixCacheHitRate * 100)}
          series={[{ label: 'hit %', color: '#8ab4f8' }]}
          data={data.prefix}
        />
        <MetricCard
          id="preemptions"
          title="Preemptions"
          value={`${fmt(m?.preemptionsPerSecond, 2)} /s`}
          detail={`${fmt(m?.preemptionsTotal, 0)} in total`}
          series={[{ label: 'per s', color: '#ef4444' }]}
          data={data.preempt}
        />
      </div>
      {raw && <RawMetrics deployment={deployment} pod={pod || (deployment.pods.find((p) => p.ready)?.name ?? null)} />}
    </div>
  );
}
