import { useEffect, useState } from 'react';
import { apiFetch, getJson } from '../api/client';
import { readSse } from '../api/sse';
import type { Deployment } from '../api/types';
import { backoffMs } from './backoff';

export const POLL_FALLBACK_MS = 5000;

export interface DeploymentsState {
  deployments: Deployment[] | null;
  error: string | null;
  /** 'stream': changes arrive over SSE; 'polling': the stream is down, the list is polled until it is back. */
  source: 'connecting' | 'stream' | 'polling';
}

interface List {
  deployments: Deployment[];
}

/** The deployment list, pushed by `GET /api/deployments/events`; polls `GET /api/deployments` while the stream is down. */
export function useDeployments(): DeploymentsState {
  const [state, setState] = useState<DeploymentsState>({ deployments: null, error: null, source: 'connecting' });

  useEffect(() => {
    const abort = new AbortController();
    let pollTimer: ReturnType<typeof setInterval> | undefined;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    let attempt = 0;

    const apply = (list: List, source: DeploymentsState['source']) =>
      setState({ deployments: list.deployments, error: null, source });

    const poll = () =>
      getJson<List>('/api/deployments', abort.signal)
        .then((list) => !abort.signal.aborted && apply(list, 'polling'))
        .catch((e: unknown) => {
          if (!abort.signal.aborted) setState((s) => ({ ...s, error: (e as Error).message, source: 'polling' }));
        });

    const startPolling = () => {
      if (pollTimer !== undefined) return;
      void poll();
      pollTimer = setInterval(poll, POLL_FALLBACK_MS);
    };
    const stopPolling = () => {
      clearInterval(pollTimer);
      pollTimer = undefined;
    };

    const connect = async () => {
      try {
        const res = await apiFetch('/api/deployments/events', {
          signal: abort.signal,
          headers: { Accept: 'text/event-stream' },
        });
        if (!res.body) throw new Error('no stream body');
        for await (const ev of readSse(res.body)) {
          if (ev.event !== 'deployments') continue;
          attempt = 0;
          stopPolling();
          apply(JSON.parse(ev.data) as List, 'stream');
        }
      } catch (e) {
        if (abort.signal.aborted) return;
        setState((s) => ({ ...s, error: s.deployments ? null : (e as Error).message }));
      }
      if (abort.signal.aborted) return;
      startPolling();
      retryTimer = setTimeout(connect, backoffMs(attempt++));
    };

    void connect();
    return () => {
      abort.abort();
      stopPolling();
      clearTimeout(retryTimer);
    };
  }, []);

  return state;
}
