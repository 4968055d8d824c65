import { GpuSeries, MAX_WINDOW_SECONDS } from './GpuSeries';
import { gpuSample } from '../test/fixtures';

const times = (s: GpuSeries) => Array.from({ length: s.length }, (_, i) => s.time(i));

describe('GpuSeries', () => {
  it('keeps exactly the last 15 minutes in fixed rings, allocating nothing per sample', () => {
    const s = new GpuSeries();
    const rings = s.t;
    for (let i = 0; i < 5000; i++) s.push(i * 500, gpuSample({ powerWatts: i }));
    expect(s.t).toBe(rings); // 2 Hz for 15 min fits: the ring never grew
    expect(s.length).toBe(MAX_WINDOW_SECONDS * 2 + 1);
    expect(s.time(s.length - 1) - s.time(0)).toBe(MAX_WINDOW_SECONDS);
    expect(s.value('powerWatts', s.length - 1)).toBe(4999);
    expect(s.value('powerWatts', 0)).toBe(4999 - 1800);
  });

  it('reads a value the GPU did not report as null, never 0', () => {
    const s = new GpuSeries();
    s.push(500, gpuSample({ pcieTxBytesPerSecond: null }));
    expect(s.value('pcieTxKBps', 0)).toBeNull();
  });

  it('grows when a faster exporter sends more than the ring holds, keeping the order', () => {
    const s = new GpuSeries(16);
    for (let i = 0; i < 40; i++) s.push(i * 100, gpuSample({ powerWatts: i }));
    expect(s.capacity).toBe(64);
    expect(times(s)).toEqual(Array.from({ length: 40 }, (_, i) => i / 10));
    expect(s.recent('powerWatts', 3)).toEqual([37, 38, 39]);
  });

  it('puts an older history in front of what it holds, in order, and ignores replays', () => {
    const s = new GpuSeries(4);
    s.push(10_000, gpuSample());
    s.push(10_500, gpuSample());
    expect(s.push(10_500, gpuSample())).toBe(false);
    const older = [8_000, 9_000, 9_500, 10_000].map((timeMs) => ({ timeMs, gpu: gpuSample() }));
    expect(s.prepend(older)).toBe(3);
    expect(times(s)).toEqual([8, 9, 9.5, 10, 10.5]);
    expect(s.indexAtOrAfter(9.2)).toBe(2);
  });
});
