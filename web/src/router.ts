import { useSyncExternalStore } from 'react';

// A tiny history-API router: the gateway answers index.html for every non-API path, so these URLs reload fine.

export type Tab = 'chat' | 'inference' | 'gpu' | 'pods';
export const TABS: Tab[] = ['chat', 'inference', 'gpu', 'pods'];

export type Route = { page: 'overview' } | { page: 'deployment'; namespace: string; name: string; tab: Tab };

export function parseRoute(path: string): Route {
  const m = /^\/deployments\/([^/]+)\/([^/]+)(?:\/([^/]+))?\/?$/.exec(path);
  if (!m) return { page: 'overview' };
  const tab = (TABS as string[]).includes(m[3] ?? '') ? (m[3] as Tab) : 'chat';
  return { page: 'deployment', namespace: decodeURIComponent(m[1]), name: decodeURIComponent(m[2]), tab };
}

export const deploymentUrl = (namespace: string, name: string, tab: Tab = 'chat') =>
  `/deployments/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}/${tab}`;

const subscribe = (l: () => void) => {
  window.addEventListener('popstate', l);
  return () => window.removeEventListener('popstate', l);
};

export function navigate(path: string): void {
  if (path === location.pathname) return;
  history.pushState(null, '', path);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

export function useRoute(): Route {
  const path = useSyncExternalStore(subscribe, () => location.pathname);
  return parseRoute(path);
}
