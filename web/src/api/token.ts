// The bearer token of `token` and `kubernetes` access modes lives in sessionStorage: it survives a reload of the
// tab, never outlives the browser session, and is not shared with other tabs.
const KEY = 'qwenops.token';
const listeners = new Set<() => void>();

export function getToken(): string | null {
  return sessionStorage.getItem(KEY);
}

export function setToken(token: string | null): void {
  if (token) sessionStorage.setItem(KEY, token);
  else sessionStorage.removeItem(KEY);
  listeners.forEach((l) => l());
}

/** Called when the gateway answers 401: the token is gone or wrong, the app shows the login page. */
export function onTokenChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
