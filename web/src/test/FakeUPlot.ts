import type uPlot from 'uplot';

/** Records what a chart hands to uPlot: options, each setData, destroy. */
export class FakeUPlot {
  static instances: FakeUPlot[] = [];
  data: uPlot.AlignedData;
  setDataCalls = 0;
  destroyed = false;
  /** The plot's CSS width; unset (no pixel-rate limit on redraws) unless a test sets it. */
  width?: number;

  constructor(
    readonly opts: uPlot.Options,
    data: uPlot.AlignedData,
    readonly target: HTMLElement,
  ) {
    this.data = data;
    FakeUPlot.instances.push(this);
  }

  setData(data: uPlot.AlignedData): void {
    this.data = data;
    this.setDataCalls++;
  }

  batch(fn: (u: FakeUPlot) => void): void {
    fn(this);
  }

  setSize(): void {}

  destroy(): void {
    this.destroyed = true;
  }
}
