import { useEffect, useState } from 'react';
import { apiFetch, deploymentPath } from '../api/client';

/** The pod's last scraped Prometheus text, refetched every 2 s while shown. */
export function useRawMetrics(namespace: string, name: string, pod: string | null, enabled: boolean) {
  const [state, setState] = useState<{ text: string | null; error: string | null }>({ text: null, error: null });
  useEffect(() => {
    if (!enabled || !pod) return;
    const abort = new AbortController();
    const load = () =>
      apiFetch(`${deploymentPath(namespace, name)}/metrics/raw?pod=${encodeURIComponent(pod)}`, { signal: abort.signal })
        .then((r) => r.text())
        .then((text) => setState({ text, error: null }))
        .catch((e: unknown) => !abort.signal.aborted && setState((s) => ({ ...s, error: (e as Error).message })));
    void load();
    const timer = setInterval(load, 2000);
    return () => {
      abort.abort();
      clearInterval(timer);
    };
  }, [namespace, name, pod, enabled]);
  return state;
}
