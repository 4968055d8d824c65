import { act, render, screen } from '@testing-library/react';
import type uPlot from 'uplot';
import { Chart } from './Chart';
import type { ChartSource } from './ChartSource';
import { flushFrames } from '../telemetry/frameScheduler';
import { FakeUPlot } from '../test/FakeUPlot';

function liveSource() {
  const xs: number[] = [];
  const ys: number[] = [];
  const listeners = new Set<() => void>();
  const source: ChartSource = {
    data: () => [xs, ys] as unknown as uPlot.AlignedData,
    subscribe: (l) => (listeners.add(l), () => listeners.delete(l)),
  };
  const push = (x: number, y: number) => {
    xs.push(x);
    ys.push(y);
    listeners.forEach((l) => l());
  };
  return { source, push };
}

describe('Chart', () => {
  it('redraws once per animation frame however many updates arrived, without re-rendering React', () => {
    FakeUPlot.instances = [];
    const { source, push } = liveSource();
    render(<Chart testId="c" series={[{ label: 'y', color: '#fff' }]} source={source} windowSeconds={60} />);
    act(() => flushFrames());
    const plot = FakeUPlot.instances.at(-1)!;
    const before = plot.setDataCalls;
    for (let i = 0; i < 50; i++) push(i, i);
    expect(plot.setDataCalls).toBe(before);
    flushFrames();
    expect(plot.setDataCalls).toBe(before + 1);
    expect(screen.getByTestId('c').dataset.points).toBe('50');
  });

  function pixelLimited() {
    vi.useFakeTimers();
    FakeUPlot.instances = [];
    const live = liveSource();
    // 900 s over 300 px: 3 s per pixel, six telemetry updates at 2 Hz.
    render(<Chart testId="c" series={[{ label: 'y', color: '#fff' }]} source={live.source} windowSeconds={900} />);
    const plot = FakeUPlot.instances.at(-1)!;
    plot.width = 300;
    act(() => flushFrames());
    vi.advanceTimersByTime(3000);
    live.push(0, 0);
    flushFrames();
    const drawn = plot.setDataCalls;
    for (let i = 1; i <= 4; i++) {
      vi.advanceTimersByTime(500);
      live.push(i, i);
      flushFrames();
    }
    expect(plot.setDataCalls).toBe(drawn);
    expect(screen.getByTestId('c').dataset.points).toBe('5');
    return { ...live, plot, drawn };
  }

  it('draws no more often than one pixel of its window spans, on the first update after that', () => {
    const { plot, push, drawn } = pixelLimited();
    vi.advanceTimersByTime(500); // 2.5 s since the draw: not due yet
    push(5, 5);
    flushFrames();
    expect(plot.setDataCalls).toBe(drawn);
    vi.advanceTimersByTime(500); // 3 s: this update's frame draws it, with the others, no timer of its own
    push(6, 6);
    flushFrames();
    expect(plot.setDataCalls).toBe(drawn + 1);
    expect((plot.data[1] as number[]).at(-1)).toBe(6);
  });

  it('draws the last change when the stream pauses', () => {
    const { plot, drawn } = pixelLimited();
    vi.advanceTimersByTime(1900);
    flushFrames();
    expect(plot.setDataCalls).toBe(drawn);
    vi.advanceTimersByTime(100); // a pixel's time and a second without updates
    flushFrames();
    expect(plot.setDataCalls).toBe(drawn + 1);
    expect((plot.data[1] as number[]).at(-1)).toBe(4);
  });

  it('draws at most four 15-minute charts in one frame when more fall due at once; the rest on the next update', () => {
    vi.useFakeTimers();
    FakeUPlot.instances = [];
    const live = liveSource();
    for (let i = 0; i < 6; i++) render(<Chart testId={`c${i}`} series={[{ label: 'y', color: '#fff' }]} source={live.source} windowSeconds={900} />);
    const plots = FakeUPlot.instances.slice(-6);
    plots.forEach((p) => (p.width = 300)); // 3 s per pixel
    act(() => flushFrames());
    vi.advanceTimersByTime(3000); // all six are due
    const before = plots.map((p) => p.setDataCalls);
    live.push(0, 0);
    flushFrames();
    const drawn = () => plots.filter((p, i) => p.setDataCalls > before[i]).length;
    expect(drawn()).toBe(4);
    vi.advanceTimersByTime(500);
    live.push(1, 1);
    flushFrames();
    expect(drawn()).toBe(6);
  });

  it('gives each chart a new phase when all were drawn at once, so they do not fall due on the same update', () => {
    vi.useFakeTimers();
    let k = 0;
    vi.spyOn(Math, 'random').mockImplementation(() => (k++ % 6) / 6);
    FakeUPlot.instances = [];
    const live = liveSource();
    for (let i = 0; i < 6; i++) render(<Chart testId={`c${i}`} series={[{ label: 'y', color: '#fff' }]} source={live.source} windowSeconds={900} />);
    const plots = FakeUPlot.instances.slice(-6);
    plots.forEach((p) => (p.width = 300)); // 3 s per pixel
    act(() => flushFrames()); // the forced first draw of every chart, in one frame
    const before = plots.map((p) => p.setDataCalls);
    const firstDue = plots.map(() => -1);
    for (let u = 1; u <= 6; u++) {
      vi.advanceTimersByTime(500);
      live.push(u, u);
      flushFrames();
      plots.forEach((p, i) => firstDue[i] < 0 && p.setDataCalls > before[i] && (firstDue[i] = u));
    }
    expect(firstDue.every((u) => u > 0)).toBe(true);
    expect(new Set(firstDue).size).toBeGreaterThanOrEqual(4);
  });

  it('destroys its uPlot on unmount and stops listening', () => {
    FakeUPlot.instances = [];
    const { source, push } = liveSource();
    const { unmount } = render(<Chart testId="c" series={[{ label: 'y', color: '#fff' }]} source={source} />);
    const plot = FakeUPlot.instances.at(-1)!;
    unmount();
    const calls = plot.setDataCalls;
    push(1, 1);
    flushFrames();
    expect(plot.destroyed).toBe(true);
    expect(plot.setDataCalls).toBe(calls);
  });
});

describe('Chart out of view', () => {
  it('keeps data-points current but draws only once it scrolls into view', () => {
    let callback!: (entries: { isIntersecting: boolean }[]) => void;
    vi.stubGlobal(
      'IntersectionObserver',
      class {
        constructor(cb: typeof callback) {
          callback = cb;
        }
        observe() {}
        disconnect() {}
      },
    );
    FakeUPlot.instances = [];
    const xs: number[] = [];
    const listeners = new Set<() => void>();
    const source: ChartSource = {
      data: () => [xs, xs] as unknown as uPlot.AlignedData,
      subscribe: (l) => (listeners.add(l), () => listeners.delete(l)),
    };
    render(<Chart testId="c" series={[{ label: 'y', color: '#fff' }]} source={source} />);
    act(() => flushFrames());
    const plot = FakeUPlot.instances.at(-1)!;
    act(() => callback([{ isIntersecting: false }]));
    const drawn = plot.setDataCalls;
    xs.push(1, 2, 3);
    listeners.forEach((l) => l());
    flushFrames();
    expect(screen.getByTestId('c').dataset.points).toBe('3');
    expect(plot.setDataCalls).toBe(drawn);
    act(() => callback([{ isIntersecting: true }]));
    flushFrames();
    expect(plot.setDataCalls).toBe(drawn + 1);
  });
});
