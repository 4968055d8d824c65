import type { GpuSample, HelloFrame, SampleFrame } from '../api/types';

/**
 * A WebSocket stand-in for the benchmark page: answers a subscribe like the gateway would (status, hello, a
 * history of `historySeconds`), then sends one sample frame of `gpus` GPUs every `intervalMs`.
 */
export function syntheticGateway(gpus: number, intervalMs: number) {
  return class SyntheticSocket {
    readyState = 0;
    onopen: (() => void) | null = null;
    onmessage: ((ev: { data: string }) => void) | null = null;
    onclose: ((ev: { code: number; reason: string }) => void) | null = null;
    private seq = 0;
    private timer: ReturnType<typeof setInterval> | undefined;

    constructor(_url: string) {
      setTimeout(() => {
        this.readyState = 1;
        this.onopen?.();
      }, 10);
    }

    send(raw: string): void {
      const sub = JSON.parse(raw) as { pods: { namespace: string; pod: string }[]; historySeconds: number };
      const pod = sub.pods[0];
      if (!pod) return;
      const emit = (msg: unknown) => this.onmessage?.({ data: JSON.stringify(msg) });
      emit({ type: 'status', ...pod, state: 'up', reason: null, retryInMs: null });
      emit({ type: 'frame', ...pod, frame: hello(pod.pod, gpus) });
      const now = Date.now();
      const n = Math.floor((sub.historySeconds * 1000) / intervalMs);
      const samples = Array.from({ length: n }, (_, i) => this.sample(now - (n - i) * intervalMs));
      emit({ type: 'frame', ...pod, frame: { type: 'history', samples } });
      clearInterval(this.timer);
      this.timer = setInterval(() => emit({ type: 'frame', ...pod, frame: this.sample(Date.now()) }), intervalMs);
    }

    close(): void {
      clearInterval(this.timer);
    }

    private sample(timeMs: number): SampleFrame {
      this.seq++;
      return { type: 'sample', seq: this.seq, monoMs: this.seq * intervalMs, timeMs, gpus: Array.from({ length: gpus }, (_, i) => gpu(i, timeMs)) };
    }
  };
}

function hello(pod: string, gpus: number): HelloFrame {
  return {
    type: 'hello', protocol: 1, pod, namespace: 'bench', node: 'bench', intervalMs: 500, historySeconds: 900,
    nvml: { available: true, library: 'synthetic', driverVersion: '0', reason: null },
    gpus: Array.from({ length: gpus }, (_, i) => ({
      index: i, uuid: `GPU-${i}`, name: 'Synthetic H100', pciBusId: `0000:${i}`, memoryTotalBytes: 80 * 2 ** 30,
      powerLimitWatts: 700,
      capabilities: { memory: true, utilization: true, power: true, energy: true, powerLimit: true, temperature: true, pcie: true, smClock: true, fan: false },
    })),
    reason: null,
  };
}

function gpu(i: number, t: number): GpuSample {
  const w = Math.sin(t / 7000 + i);
  return {
    index: i, uuid: `GPU-${i}`, state: 'ok', error: null, memoryTotalBytes: 80 * 2 ** 30,
    memoryUsedBytes: (60 + 5 * w) * 2 ** 30, memoryFreeBytes: (20 - 5 * w) * 2 ** 30, memoryReservedBytes: 2 ** 29,
    gpuUtilPercent: 70 + 25 * w, memoryUtilPercent: 40 + 20 * w, powerWatts: 450 + 150 * w, powerSource: 'energy',
    powerLimitWatts: 700, energyJoules: t / 2, temperatureCelsius: 65 + 10 * w, pcieTxBytesPerSecond: 1e8 * (2 + w),
    pcieRxBytesPerSecond: 5e7 * (2 + w), smClockMhz: 1800 + 150 * w, memoryClockMhz: 2619, fanSpeedPercent: null,
    clockEventReasons: [], eccCorrectedVolatile: 0, eccUncorrectedVolatile: 0, xidCount: 0, lastXid: null, processes: [],
  };
}
