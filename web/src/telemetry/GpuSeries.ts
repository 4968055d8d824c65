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

/** 15 minutes at the exporter's default 500 ms, plus room for jitter; a faster exporter makes the ring grow once. */
const INITIAL_CAPACITY = 2048;

/**
 * One GPU's samples over the last 15 minutes as fixed-size rings of doubles: `t` in epoch seconds and one ring per
 * column, NaN where a value was not measured. A sample overwrites the oldest slot: nothing is allocated per sample,
 * and the numbers are not boxed, so the garbage collector has nothing to trace. Logical index 0 is the oldest
 * sample kept; `ring(i)` maps it to a slot for code that reads the arrays directly (charts/decimate.ts).
 */
export class GpuSeries {
  t: Float64Array;
  readonly columns = {} as Record<Column, Float64Array>;
  latest: GpuSample | null = null;
  latestTimeMs = -Infinity;
  /** The slot of the oldest sample. */
  head = 0;
  private size = 0;

  constructor(capacity = INITIAL_CAPACITY) {
    this.t = new Float64Array(capacity);
    for (const c of COLUMN_NAMES) this.columns[c] = new Float64Array(capacity);
  }

  get length(): number {
    return this.size;
  }

  get capacity(): number {
    return this.t.length;
  }

  /** The slot holding logical index `i`. */
  ring(i: number): number {
    const slot = this.head + i;
    return slot >= this.t.length ? slot - this.t.length : slot;
  }

  time(i: number): number {
    return this.t[this.ring(i)];
  }

  /** The value of `column` at logical index `i`; null where it was not measured. */
  value(column: Column, i: number): number | null {
    const v = this.columns[column][this.ring(i)];
    return Number.isNaN(v) ? null : v;
  }

  /** The last `n` values of a column, oldest first (hints look at the recent trend). */
  recent(column: Column, n: number): (number | null)[] {
    const from = Math.max(0, this.size - n);
    return Array.from({ length: this.size - from }, (_, k) => this.value(column, from + k));
  }

  /** Appends a sample; returns false (and keeps nothing) when it is not newer than the last one (a replayed history). */
  push(timeMs: number, g: GpuSample): boolean {
    if (timeMs <= this.latestTimeMs) return false;
    this.latestTimeMs = timeMs;
    this.latest = g;
    const seconds = timeMs / 1000;
    this.dropBefore(seconds - MAX_WINDOW_SECONDS);
    if (this.size === this.t.length) this.grow();
    this.write(this.ring(this.size), seconds, g);
    this.size++;
    return true;
  }

  /** Puts samples older than the oldest kept one in front (a longer history asked for later), oldest first. */
  prepend(samples: { timeMs: number; gpu: GpuSample }[]): number {
    const first = this.size ? this.time(0) * 1000 : Infinity;
    const cutoff = this.size ? this.time(this.size - 1) - MAX_WINDOW_SECONDS : -Infinity;
    const older = samples.filter((s) => s.timeMs < first && s.timeMs / 1000 >= cutoff);
    if (older.length === 0) return 0;
    if (this.size === 0) {
      older.forEach((s) => this.push(s.timeMs, s.gpu));
      return older.length;
    }
    while (this.size + older.length > this.t.length) this.grow();
    for (let k = older.length - 1; k >= 0; k--) {
      this.head = this.head === 0 ? this.t.length - 1 : this.head - 1;
      this.size++;
      this.write(this.head, older[k].timeMs / 1000, older[k].gpu);
    }
    return older.length;
  }

  /** Index of the first sample at or after `seconds` (binary search). */
  indexAtOrAfter(seconds: number): number {
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.time(mid) < seconds) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private write(slot: number, seconds: number, g: GpuSample): void {
    this.t[slot] = seconds;
    for (const c of COLUMN_NAMES) this.columns[c][slot] = COLUMNS[c](g) ?? NaN;
  }

  private dropBefore(seconds: number): void {
    while (this.size > 0 && this.t[this.head] < seconds) {
      this.head = this.ring(1);
      this.size--;
    }
  }

  /** Doubles the rings, oldest sample first in the new ones. */
  private grow(): void {
    const unroll = (a: Float64Array) => {
      const b = new Float64Array(a.length * 2);
      b.set(a.subarray(this.head));
      b.set(a.subarray(0, this.head), a.length - this.head);
      return b;
    };
    this.t = unroll(this.t);
    for (const c of COLUMN_NAMES) this.columns[c] = unroll(this.columns[c]);
    this.head = 0;
  }
}
