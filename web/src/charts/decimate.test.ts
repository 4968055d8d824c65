import { MinMaxView, type RingData } from './decimate';

/** A ring of `cap` slots holding `samples` oldest first, starting at slot `head` (so some wrap around). */
function ring(samples: [number, ...(number | null)[]][], cap = samples.length, head = 0): RingData {
  const series = samples[0].length - 1;
  const t = new Float64Array(cap);
  const ys = Array.from({ length: series }, () => new Float64Array(cap));
  samples.forEach(([x, ...vs], i) => {
    const s = (head + i) % cap;
    t[s] = x;
    vs.forEach((v, k) => (ys[k][s] = v ?? NaN));
  });
  return { t, ys, head, length: samples.length };
}

describe('MinMaxView', () => {
  it('keeps every sample when the window holds fewer samples than the plot has pixels', () => {
    const v = new MinMaxView(1);
    const n = v.fill(ring([[0, 1], [1, 2], [2, null], [3, 4]]), 0, 0.25);
    expect(n).toBe(4);
    expect(v.data).toEqual([[0, 1, 2, 3], [1, 2, null, 4]]);
  });

  it('keeps a one-sample spike at its full height when 1,800 samples share 300 pixels', () => {
    const samples: [number, number][] = Array.from({ length: 1800 }, (_, i) => [1000 + i * 0.5, i === 977 ? 95 : 40]);
    const v = new MinMaxView(1);
    expect(v.fill(ring(samples), 1000, 3)).toBe(1800);
    const [xs, ys] = v.data as unknown as [number[], number[]];
    expect(xs.length).toBeLessThanOrEqual(2 * 301);
    expect(Math.max(...ys)).toBe(95);
    expect(Math.min(...ys)).toBe(40);
    expect(xs).toEqual([...xs].sort((a, b) => a - b)); // still in time order
  });

  it('puts each column\'s extremes in the order they happened, per series', () => {
    const v = new MinMaxView(2);
    // one 10 s column: series 1 falls (max first), series 2 rises (min first)
    v.fill(ring([[100, 9, 1], [101, 5, 5], [102, 1, 9]]), 100, 10);
    expect(v.data).toEqual([[100, 102], [9, 1], [1, 9]]);
  });

  it('leaves a gap where a series was not measured in a whole column, and reads a ring that wraps', () => {
    const v = new MinMaxView(1);
    const r = ring([[0, 1], [1, 2], [10, null], [11, null], [20, 3], [21, 4]], 8, 6);
    v.fill(r, 0, 10);
    expect(v.data).toEqual([[0, 1, 10, 11, 20, 21], [1, 2, null, null, 3, 4]]);
  });

  it('starts the line at the last sample before the window so it enters from the left edge', () => {
    const v = new MinMaxView(1);
    expect(v.fill(ring([[0, 7], [5, 8], [10, 9], [15, 10]]), 9, 0)).toBe(2);
    expect(v.data).toEqual([[5, 10, 15], [8, 9, 10]]);
  });
});
