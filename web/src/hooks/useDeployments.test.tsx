import { act, renderHook, waitFor } from '@testing-library/react';
import { useDeployments, POLL_FALLBACK_MS } from './useDeployments';
import { controllableBody, jsonResponse, sseResponse, stubFetch } from '../test/streams';
import { deployment } from '../test/fixtures';
import { setToken } from '../api/token';

describe('useDeployments', () => {
  it('shows each list the SSE stream pushes, with the bearer token', async () => {
    setToken('s3cret');
    const body = controllableBody();
    const calls = stubFetch((url) => (url === '/api/deployments/events' ? sseResponse(body.stream) : jsonResponse({}, 500)));
    const { result } = renderHook(() => useDeployments());
    body.push(`event: deployments\ndata: ${JSON.stringify({ deployments: [deployment()] })}\n\n`);
    await waitFor(() => expect(result.current.deployments).toHaveLength(1));
    expect(result.current.source).toBe('stream');
    body.push(': ping\n\n');
    body.push(`event: deployments\ndata: ${JSON.stringify({ deployments: [deployment(), deployment({ name: 'b' })] })}\n\n`);
    await waitFor(() => expect(result.current.deployments?.map((d) => d.name)).toEqual(['qwen-05b', 'b']));
    expect((calls[0].init?.headers as Record<string, string>).Authorization).toBe('Bearer s3cret');
  });

  it('polls the list while the stream is down and goes back to the stream when it returns', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    let streamUp = false;
    const body = controllableBody();
    let polls = 0;
    stubFetch((url) => {
      if (url === '/api/deployments') {
        polls++;
        return jsonResponse({ deployments: [deployment({ name: `polled-${polls}` })] });
      }
      return streamUp ? sseResponse(body.stream) : jsonResponse({ error: { message: 'down', type: 'x' } }, 503);
    });
    const { result } = renderHook(() => useDeployments());
    await waitFor(() => expect(result.current.deployments?.[0].name).toBe('polled-1'));
    expect(result.current.source).toBe('polling');
    await act(() => vi.advanceTimersByTimeAsync(POLL_FALLBACK_MS));
    expect(result.current.deployments?.[0].name).toMatch(/^polled-[2-9]/);
    streamUp = true;
    await act(() => vi.advanceTimersByTimeAsync(30_000));
    body.push(`event: deployments\ndata: ${JSON.stringify({ deployments: [deployment({ name: 'streamed' })] })}\n\n`);
    await waitFor(() => expect(result.current.source).toBe('stream'));
    const before = polls;
    await act(() => vi.advanceTimersByTimeAsync(POLL_FALLBACK_MS * 3));
    expect(polls).toBe(before);
    expect(result.current.deployments?.[0].name).toBe('streamed');
  });
});
