import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { App } from './App';
import { setToken } from './api/token';
import { FakeWebSocket } from './test/FakeWebSocket';
import { deployment, deploymentMetrics, hello, sample } from './test/fixtures';
import { controllableBody, jsonResponse, sseResponse, stubFetch } from './test/streams';
import { flushFrames } from './telemetry/frameScheduler';

const pod = { namespace: 'ml', pod: 'qwen-05b-abc' };

function gateway(mode: 'none' | 'token' = 'none') {
  const events = controllableBody();
  const calls = stubFetch((url, init) => {
    const auth = (init?.headers as Record<string, string> | undefined)?.Authorization;
    if (url === '/api/session') return jsonResponse({ mode, authenticated: !!auth, user: null, static: true });
    if (mode === 'token' && auth !== 'Bearer good') return jsonResponse({ error: { type: 'unauthorized', message: 'no' } }, 401);
    if (url === '/api/deployments/events') return sseResponse(events.stream);
    if (url === '/api/deployments') return jsonResponse({ deployments: [deployment()] });
    if (url.endsWith('/metrics')) return jsonResponse(deploymentMetrics(Date.now()));
    return jsonResponse({ error: { type: 'not_found', message: url } }, 404);
  });
  const push = () => events.push(`event: deployments\ndata: ${JSON.stringify({ deployments: [deployment()] })}\n\n`);
  return { calls, push };
}

describe('App', () => {
  beforeEach(() => {
    FakeWebSocket.instances = [];
    vi.stubGlobal('WebSocket', FakeWebSocket);
    history.replaceState(null, '', '/');
  });

  it('lists deployments with health and live GPU tiles, and opens a deployment on its tabs', async () => {
    const gw = gateway();
    render(<App />);
    expect(await screen.findByText('Loading deployments…')).toBeInTheDocument();
    gw.push();
    const row = await screen.findByTestId('deployment-row');
    expect(within(row).getByTestId('health-badge')).toHaveTextContent('healthy');
    await waitFor(() => expect(within(row).getByTestId('row-throughput')).toHaveTextContent('35.2'));

    await waitFor(() => expect(FakeWebSocket.instances).toHaveLength(1));
    const ws = FakeWebSocket.last();
    expect(ws.url).toBe(`ws://${location.host}/ws/telemetry`);
    act(() => ws.serverOpen());
    await act(async () => {});
    expect(ws.sent.at(-1)).toEqual({ type: 'subscribe', pods: [pod], historySeconds: 60 });
    act(() => ws.serverSend({ type: 'status', ...pod, state: 'up', reason: null, retryInMs: null }));
    act(() => ws.serverSend({ type: 'frame', ...pod, frame: hello() }));
    act(() => ws.serverSend({ type: 'frame', ...pod, frame: sample(1, 500) }));
    act(() => flushFrames());
    expect(screen.getByTestId('gpu-tile')).toHaveTextContent('97 %');
    expect(screen.getByTestId('gpu-tile')).toHaveTextContent('71 °C');

    await userEvent.click(within(row).getByRole('link', { name: 'qwen-05b' }));
    expect(location.pathname).toBe('/deployments/ml/qwen-05b/chat');
    expect(screen.getByRole('tab', { name: 'Chat' })).toHaveAttribute('aria-selected', 'true');
    await userEvent.click(screen.getByRole('tab', { name: 'Pods' }));
    expect(screen.getByTestId('pods-table')).toHaveTextContent('GPU-1');
  });

  it('asks for a token in token mode and sends it on every request and the WebSocket', async () => {
    const gw = gateway('token');
    render(<App />);
    await userEvent.type(await screen.findByLabelText('Token'), 'good');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    gw.push();
    await screen.findByTestId('deployment-row');
    expect(sessionStorage.getItem('qwenops.token')).toBe('good');
    await waitFor(() => expect(FakeWebSocket.last()?.url).toContain('?access_token=good'));
    const events = gw.calls.find((c) => c.url === '/api/deployments/events')!;
    expect((events.init?.headers as Record<string, string>).Authorization).toBe('Bearer good');
  });

  it('goes back to the login page when the gateway refuses the stored token', async () => {
    setToken('stale');
    gateway('token');
    render(<App />);
    expect(await screen.findByTestId('login-form')).toBeInTheDocument();
    expect(sessionStorage.getItem('qwenops.token')).toBeNull();
  });
});
