import { TelemetryClient } from './TelemetryClient';
import { flushFrames } from './frameScheduler';
import { FakeWebSocket } from '../test/FakeWebSocket';
import { getToken, setToken } from '../api/token';
import { hello, sample } from '../test/fixtures';

const pod = { namespace: 'ml', pod: 'qwen-05b-abc' };
const tick = () => new Promise((r) => setTimeout(r, 0));

function client() {
  FakeWebSocket.instances = [];
  return new TelemetryClient(() => 'ws://console/ws/telemetry', FakeWebSocket as unknown as typeof WebSocket);
}

describe('TelemetryClient', () => {
  it('opens one WebSocket and subscribes the union of every subscriber', async () => {
    const c = client();
    c.subscribe([pod], 60);
    c.subscribe([pod, { namespace: 'ml', pod: 'other-0' }], 300);
    FakeWebSocket.last().serverOpen();
    await tick();
    expect(FakeWebSocket.instances).toHaveLength(1);
    expect(FakeWebSocket.last().sent.at(-1)).toEqual({
      type: 'subscribe',
      pods: [pod, { namespace: 'ml', pod: 'other-0' }],
      historySeconds: 300,
    });
  });

  it('keeps samples per GPU, drops replayed ones and puts an older history in front', async () => {
    const c = client();
    c.subscribe([pod]);
    const ws = FakeWebSocket.last();
    ws.serverOpen();
    ws.serverSend({ type: 'frame', ...pod, frame: hello() });
    ws.serverSend({ type: 'frame', ...pod, frame: { type: 'history', samples: [sample(10, 10_000), sample(11, 10_500)] } });
    ws.serverSend({ type: 'frame', ...pod, frame: sample(12, 11_000, { powerWatts: 300 }) });
    // a re-subscribe with a longer window: the gateway replays and reaches further back
    ws.serverSend({ type: 'frame', ...pod, frame: { type: 'history', samples: [sample(9, 9_500), sample(10, 10_000), sample(12, 11_000)] } });
    const s = c.pod(pod)!.gpus.get('GPU-1')!;
    expect(Array.from({ length: s.length }, (_, i) => s.time(i))).toEqual([9.5, 10, 10.5, 11]);
    expect(s.value('powerWatts', 3)).toBe(300);
    expect(s.value('memUsedMiB', 0)).toBeCloseTo(61203283968 / 1048576);
  });

  it('tells sample listeners once per animation frame, not per message', () => {
    const c = client();
    c.subscribe([pod]);
    const ws = FakeWebSocket.last();
    ws.serverOpen();
    const heard = vi.fn();
    c.onSamples(heard);
    for (let i = 1; i <= 5; i++) ws.serverSend({ type: 'frame', ...pod, frame: sample(i, i * 500) });
    expect(heard).not.toHaveBeenCalled();
    flushFrames();
    expect(heard).toHaveBeenCalledTimes(1);
  });

  it('keeps the gateway status of each pod', () => {
    const c = client();
    c.subscribe([pod]);
    const ws = FakeWebSocket.last();
    ws.serverOpen();
    ws.serverSend({ type: 'status', ...pod, state: 'down', reason: 'connection refused', retryInMs: 4000 });
    expect(c.pod(pod)!.status).toMatchObject({ state: 'down', reason: 'connection refused', retryInMs: 4000 });
  });

  it('reconnects with a doubling backoff and subscribes again', async () => {
    vi.useFakeTimers();
    const c = client();
    c.subscribe([pod]);
    FakeWebSocket.last().serverOpen();
    FakeWebSocket.last().serverClose(1006);
    expect(c.connection).toMatchObject({ state: 'reconnecting', retryInMs: 1000 });
    vi.advanceTimersByTime(1000);
    expect(FakeWebSocket.instances).toHaveLength(2);
    FakeWebSocket.last().serverClose(1006);
    expect(c.connection.retryInMs).toBe(2000);
    vi.advanceTimersByTime(2000);
    FakeWebSocket.last().serverOpen();
    expect(c.connection.state).toBe('open');
    expect(FakeWebSocket.last().sent).toEqual([{ type: 'subscribe', pods: [pod], historySeconds: 300 }]);
  });

  it('stops retrying and drops the token when the gateway refuses it (4401)', () => {
    vi.useFakeTimers();
    setToken('expired');
    const c = client();
    c.subscribe([pod]);
    FakeWebSocket.last().serverClose(4401, 'unauthorized');
    vi.advanceTimersByTime(60_000);
    expect(c.connection.state).toBe('unauthorized');
    expect(FakeWebSocket.instances).toHaveLength(1);
    expect(getToken()).toBeNull();
  });

  it('connects again after close() and start(), as a StrictMode remount does', () => {
    const c = client();
    c.subscribe([pod]);
    c.close();
    c.start();
    expect(FakeWebSocket.instances).toHaveLength(2);
    FakeWebSocket.last().serverOpen();
    expect(c.connection.state).toBe('open');
  });

  it('forgets a GPU that a new hello no longer lists', () => {
    const c = client();
    c.subscribe([pod]);
    const ws = FakeWebSocket.last();
    ws.serverOpen();
    ws.serverSend({ type: 'frame', ...pod, frame: sample(1, 500) });
    ws.serverSend({ type: 'frame', ...pod, frame: hello({ gpus: [], reason: 'no GPU UUIDs known yet' }) });
    expect(c.pod(pod)!.gpus.size).toBe(0);
    expect(c.pod(pod)!.hello!.reason).toBe('no GPU UUIDs known yet');
  });
});
