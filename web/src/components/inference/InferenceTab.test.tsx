import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { InferenceTab } from './InferenceTab';
import { deployment, deploymentMetrics } from '../../test/fixtures';
import { stubFetch } from '../../test/streams';

const state = (history: ReturnType<typeof deploymentMetrics>[]) => ({
  latest: history[history.length - 1],
  history,
  error: null,
  loading: false,
});

describe('InferenceTab', () => {
  it('shows throughput, latencies and a sparkline per metric card', () => {
    render(<InferenceTab deployment={deployment()} metrics={state([deploymentMetrics(1000), deploymentMetrics(3000)])} />);
    expect(screen.getByTestId('metric-value-throughput')).toHaveTextContent('35.2 tokens/s');
    expect(screen.getByTestId('metric-card-ttft')).toHaveTextContent('p50 120 ms · p95 400 ms · p99 900 ms');
    expect(screen.getByTestId('metric-value-prefix-cache')).toHaveTextContent('35 %');
    expect(screen.getAllByTestId(/^sparkline-/)).toHaveLength(8);
  });

  it('writes a metric that is not known yet as a dash, not 0', () => {
    render(
      <InferenceTab
        deployment={deployment()}
        metrics={state([deploymentMetrics(1000, { generationTokensPerSecond: null, ttftSeconds: { p50: null, p95: null, p99: null } })])}
      />,
    );
    expect(screen.getByTestId('metric-value-throughput')).toHaveTextContent('— tokens/s');
    expect(screen.getByTestId('metric-value-ttft')).toHaveTextContent('—');
  });

  it('gives the KV cache hint with the number it saw', () => {
    render(<InferenceTab deployment={deployment()} metrics={state([deploymentMetrics(1000, { kvCacheUsagePercent: 96.2 })])} />);
    expect(screen.getByTestId('hints')).toHaveTextContent('KV cache usage 96.2 % (above 90 %) — lower max_model_len');
  });

  it('shows the raw Prometheus text of a pod on request', async () => {
    const calls = stubFetch(async () => new Response('vllm:num_requests_running{model_name="m"} 1\n'));
    render(<InferenceTab deployment={deployment()} metrics={state([deploymentMetrics(1000)])} />);
    await userEvent.click(screen.getByTestId('raw-toggle'));
    expect(await screen.findByText(/vllm:num_requests_running/)).toBeInTheDocument();
    expect(calls[0].url).toBe('/api/deployments/ml/qwen-05b/metrics/raw?pod=qwen-05b-abc');
  });
});
