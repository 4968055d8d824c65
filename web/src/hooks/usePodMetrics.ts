import { useEffect, useState } from 'react';
import { deploymentPath, getJson } from '../api/client';
import type { DeploymentMetrics } from '../api/types';

export const METRICS_POLL_MS = 2000;
/** 15 minutes of 2 s scrapes: sparklines and the energy-per-token window reach back this far. */
export const METRICS_HISTORY = 450;

export interface PodMetricsState {
  latest: DeploymentMetrics | null;
  /** Distinct scrapes, oldest first (a poll that got the gateway's cached scrape adds nothing). */
  history: DeploymentMetrics[];
  error: string | null;
  loading: boolean;
}

const initial: PodMetricsState = { latest: null, history: [], error: null, loading: true };

/** Polls a deployment's computed inference metrics every 2 s and keeps a history for sparklines. */
export function usePodMetrics(namespace: string | null, name: string | null): PodMetricsState {
  const [state, setState] = useState<PodMetricsState>(initial);

  useEffect(() => {
    setState(initial);
    if (!namespace || !name) return;
    const abort = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;

    const poll = async () => {
      try {
        const m = await getJson<DeploymentMetrics>(`${deploymentPath(namespace, name)}/metrics`, abort.signal);
        setState((s) => {
          const last = s.history[s.history.length - 1];
          const history =
            last && last.scrapedAtMs === m.scrapedAtMs ? s.history : [...s.history, m].slice(-METRICS_HISTORY);
          return { latest: m, history, error: null, loading: false };
        });
      } catch (e) {
        if (abort.signal.aborted) return;
        setState((s) => ({ ...s, error: (e as Error).message, loading: false }));
      }
      if (!abort.signal.aborted) timer = setTimeout(poll, METRICS_POLL_MS);
    };

    void poll();
    return () => {
      abort.abort();
      clearTimeout(timer);
    };
  }, [namespace, name]);

  return state;
}
