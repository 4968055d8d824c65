import type { GpuSample } from '../api/types';

/** How far back the browser keeps samples: the longest chart window (15 min). */
export const MAX_WINDOW_SECONDS = 900;

/** The columns charted per GPU, in display units. null = not measured this tick (a gap in the chart). */
export const COLUMNS = {
  memUsedMiB: (g: GpuSample) => mib(g.memoryUsedBytes),
  memTotalMiB: (g: GpuSample) => mib(g.memoryTotalBytes),
  gpuUtilPercent: (g: GpuSample) => g.gpuUtilPercent,
  memUtilPercent: (g: GpuSample) => g.memoryUtilPercent,
  powerWatts: (g: GpuSample) => g.powerWatts,
  powerLimitWatts: (g: GpuSample) => g.powerLimitWatts,
  pcieTxKBps: (g: GpuSample) => kb(g.pcieTxBytesPerSecond),
  pcieRxKBps: (g: GpuSample) => kb(g.pcieRxBytesPerSecond),
  temperatureCelsius: (g: GpuSample) => g.temperatureCelsius,
  smClockMhz: (g: GpuSample) => g.smClockMhz,
  energyJoules: (g: GpuSample) => g.energyJoules,
} as const;

export type Column = keyof typeof COLUMNS;
const COLUMN_NAMES = Object.keys(COLUMNS) as Column[];

function mib(bytes: number | null): number | null {
  return bytes == null ? null : bytes / 1048576;
}
function kb(bytesPerSecond: number | null): number | null {
  return bytesPerSecond == null ? null : bytesPerSecond / 1024;
}

/**
 * One GPU's samples as columns (uPlot's data layout): `t` in epoch seconds and one array per metric. Arrays grow
 * in place and are trimmed from the front in chunks, so a chart can hand them to uPlot without copying.
 */
export class GpuSeries {
  readonly t: number[] = [];
  readonly columns: Record<Column, (number | null)[]>;
  latest: GpuSample | null = null;
  latestTimeMs = -Infinity;

  constructor() {
    this.columns = Object.fromEntries(COLUMN_NAMES.map((c) => [c, []])) as unknown as Record<
      Column,
      (number | null)[]
    >;
  }

  /** Appends a sample; returns false (and keeps nothing) when it is not newer than the last one (a replayed history). */
  push(timeMs: number, g: GpuSample): boolean {
    if (timeMs <= this.latestTimeMs) return false;
    this.latestTimeMs = timeMs;
    this.latest = g;
    this.t.push(timeMs / 1000);
    for (const c of COLUMN_NAMES) this.columns[c].push(COLUMNS[c](g));
    this.trim();
    return true;
  }

  /** Puts samples older than the oldest kept one in front (a longer history asked for later), oldest first. */
  prepend(samples: { timeMs: number; gpu: GpuSample }[]): number {
    const first = this.t.length ? this.t[0] * 1000 : Infinity;
    const older = samples.filter((s) => s.timeMs < first);
    if (older.length === 0) return 0;
    if (this.t.length === 0) {
      older.forEach((s) => this.push(s.timeMs, s.gpu));
      return older.length;
    }
    this.t.splice(0, 0, ...older.map((s) => s.timeMs / 1000));
    for (const c of COLUMN_NAMES) this.columns[c].splice(0, 0, ...older.map((s) => COLUMNS[c](s.gpu)));
    return older.length;
  }

  get length(): number {
    return this.t.length;
  }

  /** Index of the first sample at or after `seconds` (binary search). */
  indexAtOrAfter(seconds: number): number {
    let lo = 0;
    let hi = this.t.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.t[mid] < seconds) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private trim(): void {
    const cutoff = this.t[this.t.length - 1] - MAX_WINDOW_SECONDS;
    if (this.t[0] >= cutoff) return;
    const stale = this.indexAtOrAfter(cutoff);
    // Trim in chunks: one splice per 64 stale samples keeps the per-sample cost flat.
    if (stale < 64) return;
    this.t.splice(0, stale);
    for (const c of COLUMN_NAMES) this.columns[c].splice(0, stale);
  }
}
