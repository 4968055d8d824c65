import { act, renderHook } from '@testing-library/react';
import type { ReactNode } from 'react';
import { TelemetryContext, useTelemetry } from './useTelemetry';
import { TelemetryClient } from '../telemetry/TelemetryClient';
import { FakeWebSocket } from '../test/FakeWebSocket';
import { hello, sample } from '../test/fixtures';

const pod = { namespace: 'ml', pod: 'qwen-05b-abc' };

function setup() {
  FakeWebSocket.instances = [];
  const client = new TelemetryClient(() => 'ws://x/ws/telemetry', FakeWebSocket as unknown as typeof WebSocket);
  const wrapper = ({ children }: { children: ReactNode }) => (
    <TelemetryContext.Provider value={client}>{children}</TelemetryContext.Provider>
  );
  let renders = 0;
  const hook = renderHook(() => {
    renders++;
    return useTelemetry([pod], 300);
  }, { wrapper });
  return { client, hook, renders: () => renders };
}

describe('useTelemetry', () => {
  it('shows each pod as connecting, live, then disconnected with the reason and the retry', async () => {
    const { hook } = setup();
    expect(hook.result.current.pods[0].stream.state).toBe('connecting');
    const ws = FakeWebSocket.last();
    act(() => ws.serverOpen());
    act(() => ws.serverSend({ type: 'status', ...pod, state: 'up', reason: null, retryInMs: null }));
    expect(hook.result.current.pods[0].stream.state).toBe('up');
    act(() => ws.serverSend({ type: 'status', ...pod, state: 'down', reason: 'exporter closed the stream', retryInMs: 2000 }));
    expect(hook.result.current.pods[0].stream).toEqual({ state: 'down', reason: 'exporter closed the stream', retryInMs: 2000 });
    act(() => ws.serverSend({ type: 'status', ...pod, state: 'connecting', reason: null, retryInMs: null }));
    expect(hook.result.current.pods[0].stream).toEqual({ state: 'reconnecting', reason: 'exporter closed the stream', retryInMs: null });
    act(() => ws.serverSend({ type: 'status', ...pod, state: 'up', reason: null, retryInMs: null }));
    expect(hook.result.current.pods[0].stream.state).toBe('up');
  });

  it('shows a first connection as connecting, not reconnecting', () => {
    const { hook } = setup();
    const ws = FakeWebSocket.last();
    act(() => ws.serverOpen());
    act(() => ws.serverSend({ type: 'status', ...pod, state: 'connecting', reason: null, retryInMs: null }));
    expect(hook.result.current.pods[0].stream.state).toBe('connecting');
  });

  it('shows every pod as reconnecting while the console stream itself is down', () => {
    vi.useFakeTimers();
    const { hook } = setup();
    const ws = FakeWebSocket.last();
    act(() => ws.serverOpen());
    act(() => ws.serverSend({ type: 'status', ...pod, state: 'up', reason: null, retryInMs: null }));
    act(() => ws.serverClose(1006));
    expect(hook.result.current.pods[0].stream).toMatchObject({ state: 'reconnecting', retryInMs: 1000 });
  });

  it('re-renders on hello but not on samples', () => {
    const { hook, renders } = setup();
    const ws = FakeWebSocket.last();
    act(() => ws.serverOpen());
    act(() => ws.serverSend({ type: 'frame', ...pod, frame: hello() }));
    expect(hook.result.current.pods[0].hello?.gpus[0].uuid).toBe('GPU-1');
    const before = renders();
    act(() => {
      for (let i = 1; i <= 20; i++) ws.serverSend({ type: 'frame', ...pod, frame: sample(i, i * 500) });
    });
    expect(renders()).toBe(before);
    expect(hook.result.current.pods[0].data?.gpus.get('GPU-1')?.length).toBe(20);
  });

  it('unsubscribes a pod when the component unmounts', async () => {
    const { hook } = setup();
    const ws = FakeWebSocket.last();
    act(() => ws.serverOpen());
    hook.unmount();
    await act(async () => {});
    expect(ws.sent.at(-1)).toEqual({ type: 'subscribe', pods: [], historySeconds: 0 });
  });
});
