import { act, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { GpuTab } from './GpuTab';
import type { PodMetricsState } from '../../hooks/usePodMetrics';
import { flushFrames } from '../../telemetry/frameScheduler';
import { deployment, deploymentMetrics, hello, sample } from '../../test/fixtures';
import { renderWithTelemetry } from '../../test/renderWithTelemetry';

const pod = { namespace: 'ml', pod: 'qwen-05b-abc' };
const noMetrics: PodMetricsState = { latest: null, history: [], error: null, loading: false };

function setup(metrics = noMetrics) {
  const r = renderWithTelemetry(<GpuTab deployment={deployment()} metrics={metrics} />);
  const ws = r.ws();
  act(() => ws.serverOpen());
  act(() => ws.serverSend({ type: 'status', ...pod, state: 'up', reason: null, retryInMs: null }));
  return { ...r, ws };
}

const send = (ws: ReturnType<typeof setup>['ws'], frame: unknown) => act(() => ws.serverSend({ type: 'frame', ...pod, frame }));

describe('GpuTab', () => {
  it('draws six charts per GPU and exposes how many points each shows', () => {
    const { ws } = setup();
    send(ws, hello());
    for (let i = 1; i <= 7; i++) send(ws, sample(i, 1_000_000 + i * 500));
    act(() => flushFrames());
    const panel = screen.getByTestId('gpu-panel');
    const charts = within(panel).getAllByTestId(/^gpu-chart-/);
    expect(charts.map((c) => c.dataset.testid)).toEqual([
      'gpu-chart-vram', 'gpu-chart-util', 'gpu-chart-power', 'gpu-chart-pcie', 'gpu-chart-temperature', 'gpu-chart-sm-clock',
    ]);
    charts.forEach((c) => expect(c.dataset.points).toBe('7'));
    expect(within(screen.getByTestId('gpu-chart-power')).getByText('512 W')).toBeInTheDocument();
  });

  it('counts only the points inside the chosen window', async () => {
    const { ws } = setup();
    send(ws, hello());
    send(ws, { type: 'history', samples: Array.from({ length: 400 }, (_, i) => sample(i + 1, i * 500)) }); // 200 s
    act(() => flushFrames());
    await userEvent.click(screen.getByTestId('window-60'));
    act(() => flushFrames());
    expect(screen.getByTestId('gpu-chart-temperature').dataset.points).toBe('121'); // t in [139.5, 199.5]
  });

  it('reads "not supported" for what this GPU does not report, never 0', () => {
    const { ws } = setup();
    send(ws, hello({}, { pcie: false, fan: false, powerLimit: false }));
    send(ws, sample(1, 500, { pcieTxBytesPerSecond: null, pcieRxBytesPerSecond: null, fanSpeedPercent: null, powerLimitWatts: null }));
    act(() => flushFrames());
    const pcie = screen.getByTestId('gpu-chart-pcie');
    expect(pcie).toHaveAttribute('data-supported', 'false');
    expect(pcie).toHaveTextContent('not supported');
    expect(screen.getByTestId('fact-fan')).toHaveTextContent('not supported');
    expect(screen.getByTestId('gpu-chart-power')).toHaveTextContent('512 W · limit not supported');
    expect(screen.getByTestId('gpu-panel')).not.toHaveTextContent(/\b0 KB\/s/);
  });

  it('shows the exporter\'s own reason when NVML is unavailable', () => {
    const { ws } = setup();
    const reason = 'NVML library not found (libnvidia-ml.so.1). run this sidecar with runtimeClassName: nvidia';
    send(ws, hello({ nvml: { available: false, library: null, driverVersion: null, reason }, gpus: [], reason }));
    expect(screen.getByTestId('nvml-unavailable')).toHaveTextContent(`No GPU: NVML unavailable — ${reason}`);
    expect(screen.queryByTestId('gpu-panel')).toBeNull();
  });

  it('says "disconnected" with the reason and the retry when the exporter stream is down', () => {
    const { ws } = setup();
    send(ws, hello());
    act(() => ws.serverSend({ type: 'status', ...pod, state: 'down', reason: 'connection refused', retryInMs: 4000 }));
    const status = screen.getByTestId('stream-status');
    expect(status).toHaveAttribute('data-state', 'down');
    expect(status).toHaveTextContent('disconnected: connection refused, reconnecting in 4 s');
    act(() => ws.serverSend({ type: 'status', ...pod, state: 'up', reason: null, retryInMs: null }));
    expect(screen.getByTestId('stream-status')).toHaveTextContent('live');
  });

  it('shows energy per generated token from the energy counter and the token counter', () => {
    const history = [deploymentMetrics(1000_000, { generationTokensTotal: 100 }), deploymentMetrics(1010_000, { generationTokensTotal: 300 })];
    const { ws } = setup({ latest: history[1], history, error: null, loading: false });
    send(ws, hello());
    send(ws, sample(1, 1000_000, { energyJoules: 5000 }));
    send(ws, sample(2, 1010_000, { energyJoules: 5500 }));
    // the energy card follows the 2 s metrics poll: re-render as a new scrape would
    act(() => ws.serverSend({ type: 'status', ...pod, state: 'up', reason: 'x', retryInMs: null }));
    expect(screen.getByTestId('energy-per-token')).toHaveTextContent('2.5 J/token');
    expect(screen.getByTestId('energy-per-token')).toHaveTextContent('500 J over 200 tokens in 10 s');
  });

  it('warns when a GPU runs hot, with the temperature', () => {
    const { ws } = setup();
    send(ws, hello());
    send(ws, sample(1, 500, { temperatureCelsius: 91 }));
    act(() => ws.serverSend({ type: 'status', ...pod, state: 'up', reason: null, retryInMs: 1 }));
    expect(screen.getByTestId('hints')).toHaveTextContent('qwen-05b-abc GPU 0 at 91 °C (above 85 °C)');
  });
});
