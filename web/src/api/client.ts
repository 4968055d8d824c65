import { getToken, setToken } from './token';

/** An error answer of the gateway: `{"error": {"message", "type"}}` with its HTTP status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function authHeaders(extra: Record<string, string> = {}): Record<string, string> {
  const token = getToken();
  return token ? { ...extra, Authorization: `Bearer ${token}` } : extra;
}

export async function errorFrom(res: Response): Promise<ApiError> {
  let type = 'http_error';
  let message = `${res.status} ${res.statusText}`.trim();
  try {
    const body = await res.json();
    if (body?.error) {
      type = body.error.type ?? body.error.code ?? type;
      message = body.error.message ?? message;
    }
  } catch {
    // not JSON: keep the status line
  }
  return new ApiError(res.status, type, message);
}

/** fetch with the bearer token; a 401 drops the token so the login page shows. Throws ApiError when not ok. */
export async function apiFetch(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = authHeaders((init.headers as Record<string, string>) ?? {});
  const res = await fetch(path, { ...init, headers });
  if (!res.ok) {
    const error = await errorFrom(res);
    if (res.status === 401 && getToken()) setToken(null);
    throw error;
  }
  return res;
}

export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const res = await apiFetch(path, { signal, headers: { Accept: 'application/json' } });
  return (await res.json()) as T;
}

export const deploymentPath = (namespace: string, name: string): string =>
  `/api/deployments/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`;
