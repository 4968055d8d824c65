import { act, renderHook, waitFor } from '@testing-library/react';
import { useSession } from './useSession';
import { getToken } from '../api/token';
import { jsonResponse, stubFetch } from '../test/streams';

const session = (mode: string) => ({ mode, authenticated: false, user: null, static: true });

describe('useSession', () => {
  it('needs a login in token mode until a token the gateway accepts is stored', async () => {
    stubFetch((url, init) => {
      if (url === '/api/session') return jsonResponse(session('token'));
      const auth = (init?.headers as Record<string, string>)?.Authorization;
      return auth === 'Bearer good' ? jsonResponse({ deployments: [] }) : jsonResponse({ error: { type: 'unauthorized', message: 'no' } }, 401);
    });
    const { result } = renderHook(() => useSession());
    await waitFor(() => expect(result.current.needsLogin).toBe(true));
    expect(await result.current.login('bad')).toBe('The gateway refused this token.');
    expect(getToken()).toBeNull();
    await act(async () => expect(await result.current.login('good')).toBeNull());
    expect(getToken()).toBe('good');
    await waitFor(() => expect(result.current.needsLogin).toBe(false));
  });

  it('needs no login when access is none', async () => {
    stubFetch(() => jsonResponse(session('none')));
    const { result } = renderHook(() => useSession());
    await waitFor(() => expect(result.current.session?.mode).toBe('none'));
    expect(result.current.needsLogin).toBe(false);
  });
});
