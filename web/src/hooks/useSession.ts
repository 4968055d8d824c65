import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import { getJson } from '../api/client';
import { getToken, onTokenChange, setToken } from '../api/token';
import type { Session } from '../api/types';

export interface SessionState {
  session: Session | null;
  error: string | null;
  /** true when the gateway wants a token and this tab has none (or the last one was refused). */
  needsLogin: boolean;
  /** Checks a token against the gateway and keeps it; resolves to an error message or null. */
  login(token: string): Promise<string | null>;
  logout(): void;
}

export function useSession(): SessionState {
  const token = useSyncExternalStore(onTokenChange, getToken);
  const [session, setSession] = useState<Session | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const abort = new AbortController();
    getJson<Session>('/api/session', abort.signal)
      .then((s) => {
        setSession(s);
        setError(null);
      })
      .catch((e: unknown) => {
        if (!abort.signal.aborted) setError(`Cannot reach the console gateway: ${(e as Error).message}`);
      });
    return () => abort.abort();
  }, [token]);

  const login = useCallback(async (candidate: string) => {
    const trimmed = candidate.trim();
    if (!trimmed) return 'Paste a token first.';
    try {
      const res = await fetch('/api/deployments', { headers: { Authorization: `Bearer ${trimmed}` } });
      if (res.status === 401) return 'The gateway refused this token.';
      if (!res.ok) return `The gateway answered ${res.status}.`;
    } catch (e) {
      return `Cannot reach the console gateway: ${(e as Error).message}`;
    }
    setToken(trimmed);
    return null;
  }, []);

  const logout = useCallback(() => setToken(null), []);
  const needsLogin = session !== null && session.mode !== 'none' && !token;
  return { session, error, needsLogin, login, logout };
}
