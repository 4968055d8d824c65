import { useEffect, useMemo, useRef } from 'react';
import type uPlot from 'uplot';

/** Where a chart's data comes from: uPlot's column layout (x first), and a signal that it changed. */
export interface ChartSource {
  /**
   * What to draw over the last `windowSeconds` (all of it without a window) on a plot `widthPx` wide. A source
   * holding more samples than pixels may return fewer points (charts/decimate.ts); a small one returns all.
   */
  data(windowSeconds?: number, widthPx?: number): uPlot.AlignedData;
  /** How many samples lie inside the window (the chart's `data-points`); counted in `data()` when absent. */
  points?(windowSeconds?: number): number;
  subscribe(listener: () => void): () => void;
}

/** A source for data held in React state (sparklines refreshed every 2 s): notifies when `data` changes. */
export function useStaticSource(data: uPlot.AlignedData): ChartSource {
  const state = useRef({ data, listeners: new Set<() => void>() });
  const source = useMemo<ChartSource>(
    () => ({
      data: () => state.current.data,
      subscribe: (listener) => {
        state.current.listeners.add(listener);
        return () => state.current.listeners.delete(listener);
      },
    }),
    [],
  );
  useEffect(() => {
    state.current.data = data;
    state.current.listeners.forEach((l) => l());
  }, [data]);
  return source;
}

/** Number of x values within the last `windowSeconds` of the data (all of them without a window). */
export function pointsInWindow(xs: ArrayLike<number>, windowSeconds: number | undefined): number {
  const n = xs.length;
  if (n === 0 || !windowSeconds) return n;
  const from = xs[n - 1] - windowSeconds;
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid] < from) lo = mid + 1;
    else hi = mid;
  }
  return n - lo;
}
