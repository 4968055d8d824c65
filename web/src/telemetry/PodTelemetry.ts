import type { ExporterFrame, GpuSample, HelloFrame, SampleFrame, StatusMessage } from '../api/types';
import { GpuSeries } from './GpuSeries';

/** What the browser knows of one pod's exporter stream: the gateway's status, the last hello, samples per GPU. */
export class PodTelemetry {
  status: StatusMessage | null = null;
  /** The gateway is trying again after the stream was up or down: the user sees "reconnecting", not "connecting". */
  reconnecting = false;
  /** Why the stream last went down (kept while the gateway reconnects). */
  lastDownReason: string | null = null;
  hello: HelloFrame | null = null;
  droppedFrames = 0;
  readonly gpus = new Map<string, GpuSeries>();

  setStatus(msg: StatusMessage): void {
    if (msg.state === 'down') this.lastDownReason = msg.reason;
    this.reconnecting = msg.state === 'connecting' && this.status != null && (this.status.state !== 'connecting' || this.reconnecting);
    this.status = msg;
  }

  series(uuid: string): GpuSeries {
    let s = this.gpus.get(uuid);
    if (!s) {
      s = new GpuSeries();
      this.gpus.set(uuid, s);
    }
    return s;
  }

  /** Applies an exporter frame; returns whether the GPU set or NVML state changed ('structure') or only samples. */
  apply(frame: ExporterFrame): 'structure' | 'samples' | 'none' {
    switch (frame.type) {
      case 'hello':
        this.hello = frame;
        // A new hello resets the GPU list: keep the history of GPUs still shown, forget the others.
        for (const uuid of [...this.gpus.keys()]) {
          if (!frame.gpus.some((g) => g.uuid === uuid)) this.gpus.delete(uuid);
        }
        return 'structure';
      case 'sample':
        return this.addSample(frame) ? 'samples' : 'none';
      case 'history':
        return this.addHistory(frame.samples) ? 'samples' : 'none';
      case 'dropped':
        this.droppedFrames += frame.dropped;
        return 'samples';
      default:
        return 'none';
    }
  }

  /** A history may reach further back than what is kept (a longer window was asked for): older samples go in front. */
  private addHistory(samples: SampleFrame[]): boolean {
    const perGpu = new Map<string, { timeMs: number; gpu: GpuSample }[]>();
    for (const s of samples) {
      for (const g of s.gpus) {
        let list = perGpu.get(g.uuid);
        if (!list) perGpu.set(g.uuid, (list = []));
        list.push({ timeMs: s.timeMs, gpu: g });
      }
    }
    let added = false;
    for (const [uuid, list] of perGpu) {
      const series = this.series(uuid);
      added = series.prepend(list) > 0 || added;
      for (const s of list) added = series.push(s.timeMs, s.gpu) || added;
    }
    return added;
  }

  private addSample(s: SampleFrame): boolean {
    let added = false;
    for (const g of s.gpus) added = this.series(g.uuid).push(s.timeMs, g) || added;
    return added;
  }
}
