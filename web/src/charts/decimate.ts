import type uPlot from 'uplot';

/** Samples kept in rings of doubles (telemetry/GpuSeries): slot `head` holds the oldest, NaN = not measured. */
export interface RingData {
  t: Float64Array;
  ys: Float64Array[];
  head: number;
  length: number;
}

/**
 * What a chart draws from a ring: at most two points per pixel column, the column's minimum and maximum of each
 * series in the order they occurred, so a one-sample spike stays as tall as it was (min/max decimation; averaging
 * would flatten it). A column with one sample keeps it as it is, so a window narrower than the plot in samples (1
 * minute at 2 Hz) draws every sample. Columns are anchored at multiples of their width in epoch time, so a new
 * sample changes only the newest column and the picture does not shimmer as the window slides. The arrays are
 * reused from one draw to the next: a draw allocates nothing but the numbers uPlot is handed.
 */
export class MinMaxView {
  readonly data: uPlot.AlignedData;
  private readonly xs: number[] = [];
  private readonly ys: (number | null)[][];
  private readonly min: Float64Array;
  private readonly max: Float64Array;
  private readonly minAt: Int32Array;
  private readonly maxAt: Int32Array;
  private n = 0;

  constructor(series: number) {
    this.ys = Array.from({ length: series }, () => []);
    this.data = [this.xs, ...this.ys] as unknown as uPlot.AlignedData;
    this.min = new Float64Array(series);
    this.max = new Float64Array(series);
    this.minAt = new Int32Array(series);
    this.maxAt = new Int32Array(series);
  }

  /**
   * Fills the view with the samples at or after `from` (epoch seconds) in columns `columnSeconds` wide, plus the
   * last sample before `from`, so the line enters from the plot's left edge. Returns the samples inside the window.
   */
  fill(ring: RingData, from: number, columnSeconds: number): number {
    const { t, ys, length } = ring;
    const slot = (i: number) => (ring.head + i) % t.length;
    let lo = 0;
    let hi = length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (t[slot(mid)] < from) lo = mid + 1;
      else hi = mid;
    }
    this.n = 0;
    if (lo > 0) this.emitSample(ring, slot(lo - 1));
    let column = NaN;
    let first = -1;
    let last = -1;
    for (let i = lo; i < length; i++) {
      const s = slot(i);
      const c = columnSeconds > 0 ? Math.floor(t[s] / columnSeconds) : i;
      if (c !== column) {
        if (first >= 0) this.emitColumn(ring, first, last);
        column = c;
        first = s;
        for (let k = 0; k < ys.length; k++) {
          this.min[k] = Infinity;
          this.max[k] = -Infinity;
        }
      }
      last = s;
      for (let k = 0; k < ys.length; k++) {
        const v = ys[k][s];
        if (v < this.min[k]) (this.min[k] = v), (this.minAt[k] = i);
        if (v > this.max[k]) (this.max[k] = v), (this.maxAt[k] = i);
      }
    }
    if (first >= 0) this.emitColumn(ring, first, last);
    this.xs.length = this.n;
    for (const y of this.ys) y.length = this.n;
    return length - lo;
  }

  private emitSample(ring: RingData, s: number): void {
    this.xs[this.n] = ring.t[s];
    for (let k = 0; k < this.ys.length; k++) this.ys[k][this.n] = orNull(ring.ys[k][s]);
    this.n++;
  }

  /** One column: its one sample, or two points (at its first and last sample's time) holding each series' extremes. */
  private emitColumn(ring: RingData, first: number, last: number): void {
    if (first === last) return this.emitSample(ring, first);
    const n = this.n;
    this.xs[n] = ring.t[first];
    this.xs[n + 1] = ring.t[last];
    for (let k = 0; k < this.ys.length; k++) {
      const y = this.ys[k];
      if (this.min[k] === Infinity) {
        y[n] = y[n + 1] = null; // not measured anywhere in this column: a gap
      } else if (this.minAt[k] <= this.maxAt[k]) {
        (y[n] = this.min[k]), (y[n + 1] = this.max[k]);
      } else {
        (y[n] = this.max[k]), (y[n + 1] = this.min[k]);
      }
    }
    this.n += 2;
  }
}

const orNull = (v: number) => (Number.isNaN(v) ? null : v);
