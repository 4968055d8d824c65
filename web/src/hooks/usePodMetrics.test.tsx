import { act, renderHook, waitFor } from '@testing-library/react';
import { METRICS_POLL_MS, usePodMetrics } from './usePodMetrics';
import { deploymentMetrics } from '../test/fixtures';
import { jsonResponse, stubFetch } from '../test/streams';

describe('usePodMetrics', () => {
  it('polls every 2 s and keeps one history point per distinct scrape', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const scrapes = [1000, 1000, 3000, 5000];
    let i = 0;
    const calls = stubFetch(() => jsonResponse(deploymentMetrics(scrapes[Math.min(i++, scrapes.length - 1)])));
    const { result } = renderHook(() => usePodMetrics('ml', 'qwen-05b'));
    await waitFor(() => expect(result.current.loading).toBe(false));
    for (let k = 0; k < 3; k++) await act(() => vi.advanceTimersByTimeAsync(METRICS_POLL_MS));
    expect(calls[0].url).toBe('/api/deployments/ml/qwen-05b/metrics');
    expect(calls.length).toBe(4);
    expect(result.current.history.map((h) => h.scrapedAtMs)).toEqual([1000, 3000, 5000]);
    expect(result.current.latest?.total.generationTokensPerSecond).toBe(35.2);
  });

  it('keeps the last values and says why when a poll fails', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    let fail = false;
    stubFetch(() => (fail ? jsonResponse({ error: { message: 'scrape timed out', type: 'x' } }, 502) : jsonResponse(deploymentMetrics(1))));
    const { result } = renderHook(() => usePodMetrics('ml', 'qwen-05b'));
    await waitFor(() => expect(result.current.latest).not.toBeNull());
    fail = true;
    await act(() => vi.advanceTimersByTimeAsync(METRICS_POLL_MS));
    expect(result.current.error).toBe('scrape timed out');
    expect(result.current.latest).not.toBeNull();
  });
});
