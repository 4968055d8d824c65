import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { cancelOnFrame, scheduleOnFrame, takeFrameSlot } from '../telemetry/frameScheduler';
import { pointsInWindow, type ChartSource } from './ChartSource';

export interface ChartSeries {
  label: string;
  color: string;
  dash?: number[];
}

export interface ChartProps {
  testId: string;
  title?: string;
  series: ChartSeries[];
  source: ChartSource;
  /** Show the last N seconds of data (a time axis); without it, all the data. */
  windowSeconds?: number;
  height?: number;
  /** No axes, legend or cursor: a small inline trend. */
  sparkline?: boolean;
  yRange?: [number, number];
  /** Text beside the title from the newest sample (e.g. "512 W"), written straight to the DOM when it changes. */
  readout?: () => string;
}

const AXIS = { stroke: '#9aa0a6', grid: { stroke: '#2f3037', width: 1 }, ticks: { stroke: '#2f3037' } };
const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });
const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const X_AXIS: uPlot.Axis = { ...AXIS, values: (_u, splits) => splits.map((s) => clock.format(s * 1000)) };
const Y_AXIS: uPlot.Axis = { ...AXIS, size: 48, values: (_u, splits) => splits.map((s) => compact.format(s)) };

/** How long after a skipped draw the chart draws anyway: the stream has paused (two missed 2 Hz updates). */
const STREAM_PAUSE_MS = 1000;
/**
 * Charts whose pixel spans at least this long (the 15-minute window: 2.6 s) draw at most PACED_DRAWS_PER_FRAME in
 * one frame; the others draw on the next update. With --disable-gpu each redrawn canvas is rasterised on the main
 * thread at the frame's commit, and after a stall a dozen charts can fall due at once: that frame was the long task.
 */
const PACED_PIXEL_MS = 1000;
const PACED_DRAWS_PER_FRAME = 4;

/** The plotting area's width in CSS pixels (the whole chart's before the first draw has laid out the axes). */
function plotWidth(plot: uPlot): number {
  const area = plot.bbox?.width ? plot.bbox.width / (window.devicePixelRatio || 1) : 0;
  return Math.round(area || plot.width || 0);
}

/** Milliseconds one pixel of the plot spans (0 without a time window, or before the plot knows its width). */
function pixelMs(plot: uPlot, windowSeconds: number | undefined): number {
  const width = plotWidth(plot);
  return windowSeconds && width > 0 ? (windowSeconds * 1000) / width : 0;
}

/**
 * The one chart component: a uPlot canvas. Data changes never re-render React; the chart redraws itself at most
 * once per animation frame (frameScheduler), from its source's data decimated to the plot's pixel columns, and
 * exposes how many samples its window holds as `data-points`.
 */
export function Chart(props: ChartProps) {
  const { testId, title, series, source, windowSeconds, height = 160, sparkline = false, yRange, readout } = props;
  const rootRef = useRef<HTMLDivElement>(null);
  const plotRef = useRef<HTMLDivElement>(null);
  const readoutRef = useRef<HTMLSpanElement>(null);
  const live = useRef({ windowSeconds, readout, redraw: () => {}, redrawNow: () => {} });
  live.current.windowSeconds = windowSeconds;
  live.current.readout = readout;
  const seriesKey = JSON.stringify(series) + JSON.stringify(yRange);

  useEffect(() => {
    const root = rootRef.current!;
    const host = plotRef.current!;
    const width = () => Math.max(120, host.clientWidth || 320);
    const opts: uPlot.Options = {
      width: width(),
      height,
      legend: { show: !sparkline, live: false },
      cursor: { show: !sparkline },
      scales: {
        x: {
          time: true,
          range: (_u, min, max) => {
            const w = live.current.windowSeconds;
            if (max == null) return [Date.now() / 1000 - (w ?? 60), Date.now() / 1000];
            return w ? [max - w, max] : [min, max];
          },
        },
        y: yRange ? { range: yRange } : { auto: true },
      },
      axes: sparkline ? [{ show: false }, { show: false }] : [X_AXIS, Y_AXIS],
      series: [
        {},
        ...series.map((s) => ({
          label: s.label,
          stroke: s.color,
          width: 1.5,
          dash: s.dash,
          points: { show: false },
        })),
      ],
    };
    const plot = new uPlot(opts, source.data(windowSeconds, opts.width), host);
    // A chart scrolled out of view keeps its point count current but skips its readout and drawing until it is
    // visible again: the GPU tab holds 48 charts and a screen shows a fraction of them.
    let visible = true;
    let stale = false;
    // Drawing more often than one pixel's worth of time shows nothing new: at the 15-minute window a 350 px plot
    // spans 2.6 s per pixel, five telemetry updates. Each chart starts at a random phase, so the draws of many
    // charts spread over the updates instead of landing on the same one. A chart that is not due yet draws on a
    // later update, in the same animation frame as the others (one frame, one compositor commit per update); a
    // timer draws the last change only when the stream pauses.
    let lastDraw = performance.now() - Math.random() * pixelMs(plot, windowSeconds);
    let trailing: ReturnType<typeof setTimeout> | undefined;
    let shownPoints = '';
    let shownReadout = '';
    const redraw = (force = false) => {
      const w = live.current.windowSeconds;
      const points = String(source.points ? source.points(w) : pointsInWindow(source.data(w)[0] as ArrayLike<number>, w));
      if (points !== shownPoints) root.dataset.points = shownPoints = points;
      if (!visible) {
        stale = true;
        return;
      }
      const text = live.current.readout?.();
      if (readoutRef.current && text != null && text !== shownReadout) readoutRef.current.textContent = shownReadout = text;
      const pixel = pixelMs(plot, w);
      const wait = lastDraw + pixel - performance.now();
      if (!force && (wait > 0 || (pixel >= PACED_PIXEL_MS && !takeFrameSlot(PACED_DRAWS_PER_FRAME)))) {
        trailing ??= setTimeout(() => {
          trailing = undefined;
          scheduleOnFrame(redraw);
        }, Math.max(0, wait) + STREAM_PAUSE_MS);
        return;
      }
      clearTimeout(trailing);
      trailing = undefined;
      stale = false;
      // A forced draw (a new window, scrolled into view) lands on the same frame for every chart: give each a new
      // random phase, or they would all fall due together from then on.
      lastDraw = performance.now() - (force ? Math.random() * pixel : 0);
      // batch() draws now rather than in a microtask, so the frame's cost shows where the draw was asked for.
      plot.batch(() => plot.setData(source.data(w, plotWidth(plot))));
    };
    const redrawNow = () => redraw(true);
    live.current.redraw = () => scheduleOnFrame(redraw);
    live.current.redrawNow = () => scheduleOnFrame(redrawNow);
    const unsubscribe = source.subscribe(live.current.redraw);
    live.current.redrawNow();
    const resize =
      typeof ResizeObserver === 'function'
        ? new ResizeObserver(() => plot.setSize({ width: width(), height }))
        : null;
    resize?.observe(host);
    const intersection =
      typeof IntersectionObserver === 'function'
        ? new IntersectionObserver((entries) => {
            visible = entries[entries.length - 1].isIntersecting;
            if (visible && stale) live.current.redrawNow();
          })
        : null;
    intersection?.observe(root);
    return () => {
      unsubscribe();
      resize?.disconnect();
      intersection?.disconnect();
      cancelOnFrame(redraw);
      cancelOnFrame(redrawNow);
      clearTimeout(trailing);
      plot.destroy();
    };
  }, [source, seriesKey, height, sparkline]);

  useEffect(() => {
    live.current.redrawNow();
  }, [windowSeconds]);

  return (
    <div className={sparkline ? 'chart sparkline' : 'chart'} data-testid={testId} data-points="0" ref={rootRef}>
      {title && (
        <div className="chart-title">
          <span>{title}</span> <span className="chart-readout" ref={readoutRef} />
        </div>
      )}
      <div className="chart-plot" ref={plotRef} />
    </div>
  );
}
