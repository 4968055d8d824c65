import { energyPerToken } from './energy';
import { GpuSeries } from '../telemetry/GpuSeries';
import { deploymentMetrics, gpuSample } from '../test/fixtures';

function series(points: [number, number | null][]): GpuSeries {
  const s = new GpuSeries();
  points.forEach(([t, e]) => s.push(t, gpuSample({ energyJoules: e })));
  return s;
}

const base = { pod: 'qwen-05b-abc', energySupported: true, windowSeconds: 60 };

describe('energyPerToken', () => {
  it('divides the energy used by the tokens generated over the same window', () => {
    const history = [deploymentMetrics(0, { generationTokensTotal: 100 }), deploymentMetrics(10_000, { generationTokensTotal: 100 }), deploymentMetrics(20_000, { generationTokensTotal: 300 })];
    const gpu = series([[0, 1000], [9_500, 1500], [10_000, 1600], [20_000, 2600]]);
    const e = energyPerToken({ ...base, history, gpus: [gpu] });
    expect(e.joules).toBe(1600); // 2600 - 1000
    expect(e.tokens).toBe(200);
    expect(e.joulesPerToken).toBe(8);
    expect(e.seconds).toBe(20);
  });

  it('uses only the scrapes inside the window and sums every GPU of the pod', () => {
    const history = [deploymentMetrics(0, { generationTokensTotal: 0 }), deploymentMetrics(100_000, { generationTokensTotal: 1000 }), deploymentMetrics(160_000, { generationTokensTotal: 1100 })];
    const a = series([[0, 0], [100_000, 500], [160_000, 800]]);
    const b = series([[0, 0], [100_000, 500], [160_000, 700]]);
    const e = energyPerToken({ ...base, history, gpus: [a, b] });
    expect(e.tokens).toBe(100);
    expect(e.joulesPerToken).toBe(5); // (300 + 200) / 100
  });

  it('says "not supported" for a GPU without an energy counter instead of a number', () => {
    const e = energyPerToken({ ...base, history: [], gpus: [], energySupported: false });
    expect(e.joulesPerToken).toBeNull();
    expect(e.reason).toMatch(/^not supported/);
  });

  it('gives no number when no token was generated in the window', () => {
    const history = [deploymentMetrics(0, { generationTokensTotal: 5 }), deploymentMetrics(2000, { generationTokensTotal: 5 })];
    const e = energyPerToken({ ...base, history, gpus: [series([[0, 1], [2000, 2]])] });
    expect(e.joulesPerToken).toBeNull();
    expect(e.reason).toBe('no tokens generated in the last 1 min');
  });
});
