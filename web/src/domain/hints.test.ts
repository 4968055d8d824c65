import { gpuHints, inferenceHints } from './hints';
import { deploymentMetrics, gpuSample } from '../test/fixtures';

describe('inferenceHints', () => {
  it('says what it saw when the KV cache is above 90 %', () => {
    const hints = inferenceHints([deploymentMetrics(0, { kvCacheUsagePercent: 93.5 })]);
    expect(hints.map((h) => h.saw)).toEqual(['KV cache usage 93.5 % (above 90 %)']);
    expect(hints[0].advice).toMatch(/max_model_len.*replica/);
  });

  it('asks to scale up only after the queue stayed above 10 for a whole minute', () => {
    const history = Array.from({ length: 31 }, (_, i) => deploymentMetrics(i * 2000, { waiting: 12 + (i % 3) }));
    expect(inferenceHints(history.slice(0, 20))).toEqual([]); // 38 s
    const hints = inferenceHints(history);
    expect(hints.map((h) => h.saw)).toEqual(['12+ requests waiting for 60 s (above 10 for a minute)']);
  });

  it('does not count a minute that had a short queue in it', () => {
    const history = Array.from({ length: 31 }, (_, i) => deploymentMetrics(i * 2000, { waiting: i === 10 ? 3 : 20 }));
    expect(inferenceHints(history)).toEqual([]);
  });
});

describe('gpuHints', () => {
  const input = (over = {}, sm = [90], mem = [40]) => ({ label: 'GPU 0', latest: gpuSample(over), recentSm: sm, recentMemory: mem });

  it('warns above 85 °C with the temperature', () => {
    expect(gpuHints(input({ temperatureCelsius: 88 })).map((h) => h.saw)).toEqual(['GPU 0 at 88 °C (above 85 °C)']);
  });

  it('calls low SM with a busy memory controller memory-bound', () => {
    const [h] = gpuHints(input({}, [30, 34], [80, 84]));
    expect(h.saw).toBe('GPU 0: SM 32 % busy with the memory controller 82 % busy');
  });

  it('reports throttling reasons but not an idle GPU', () => {
    expect(gpuHints(input({ clockEventReasons: ['gpu_idle'] }))).toEqual([]);
    const [h] = gpuHints(input({ clockEventReasons: ['sw_power_cap'], smClockMhz: 1410 }));
    expect(h.saw).toBe('GPU 0 clocks held down: sw_power_cap (SM clock 1,410 MHz)');
  });
});
