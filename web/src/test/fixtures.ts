import type { Deployment, DeploymentMetrics, GpuSample, HelloFrame, Metrics, SampleFrame } from '../api/types';

export function deployment(over: Partial<Deployment> = {}): Deployment {
  return {
    namespace: 'ml',
    name: 'qwen-05b',
    model: 'hf://Qwen/Qwen2.5-0.5B-Instruct',
    servedModelName: 'qwen2.5-0.5b-instruct',
    replicas: { desired: 1, ready: 1 },
    gpusPerReplica: 1,
    ready: '1/1',
    endpoint: 'http://qwen-05b.ml.svc:8000/v1',
    observedGeneration: 1,
    generation: 1,
    conditions: [{ type: 'Ready', status: 'True', reason: null, message: null }],
    pods: [
      {
        name: 'qwen-05b-abc',
        node: 'gpu-1',
        phase: 'Running',
        ready: true,
        restarts: 0,
        gpuUuids: ['GPU-1'],
        conditions: [{ type: 'Ready', status: 'True', reason: null, message: null }],
      },
    ],
    exporter: true,
    ...over,
  };
}

export function metrics(over: Partial<Metrics> = {}): Metrics {
  return {
    running: 1, waiting: 0, kvCacheUsagePercent: 10, promptTokensPerSecond: 50, generationTokensPerSecond: 35.2,
    generationTokensTotal: 1000, promptTokensTotal: 500, ttftSeconds: { p50: 0.12, p95: 0.4, p99: 0.9 },
    interTokenLatencySeconds: { p50: 0.03, p95: 0.05, p99: 0.08 }, e2eLatencySeconds: { p50: 2.1, p95: 4, p99: 6.2 },
    prefixCacheHitRate: 0.35, preemptionsTotal: 0, preemptionsPerSecond: 0, requestsSucceededTotal: 40,
    ...over,
  };
}

export function deploymentMetrics(scrapedAtMs: number, over: Partial<Metrics> = {}, pod = 'qwen-05b-abc'): DeploymentMetrics {
  const m = metrics(over);
  return { scrapedAtMs, intervalMs: 2000, windowSeconds: 60, total: m, pods: [{ pod, up: true, error: null, metrics: m }] };
}

const ALL = {
  memory: true, memoryReserved: true, utilization: true, powerLimit: true, energy: true, power: true,
  temperature: true, smClock: true, memoryClock: true, fan: false, clockEventReasons: true, ecc: true,
  processes: true, xid: true, pcie: true,
};

export function hello(over: Partial<HelloFrame> = {}, capabilities: Record<string, boolean> = {}): HelloFrame {
  return {
    type: 'hello', protocol: 1, pod: 'qwen-05b-abc', namespace: 'ml', node: 'gpu-1', intervalMs: 500, historySeconds: 600,
    nvml: { available: true, library: 'libnvidia-ml.so.1', driverVersion: '550.54.15', reason: null },
    gpus: [
      {
        index: 0, uuid: 'GPU-1', name: 'NVIDIA H100 80GB HBM3', pciBusId: '00000000:17:00.0',
        memoryTotalBytes: 85899345920, powerLimitWatts: 700, capabilities: { ...ALL, ...capabilities },
      },
    ],
    reason: null,
    ...over,
  };
}

export function gpuSample(over: Partial<GpuSample> = {}): GpuSample {
  return {
    index: 0, uuid: 'GPU-1', state: 'ok', error: null, memoryTotalBytes: 85899345920, memoryUsedBytes: 61203283968,
    memoryFreeBytes: 24159191040, memoryReservedBytes: 536870912, gpuUtilPercent: 97, memoryUtilPercent: 41,
    powerWatts: 512.4, powerSource: 'energy', powerLimitWatts: 700, energyJoules: 81234567.891,
    temperatureCelsius: 71, pcieTxBytesPerSecond: 1048576000, pcieRxBytesPerSecond: 524288000, smClockMhz: 1980,
    memoryClockMhz: 2619, fanSpeedPercent: null, clockEventReasons: [], eccCorrectedVolatile: 0,
    eccUncorrectedVolatile: 0, xidCount: 0, lastXid: null, processes: [],
    ...over,
  };
}

export function sample(seq: number, timeMs: number, gpu: Partial<GpuSample> = {}): SampleFrame {
  return { type: 'sample', seq, monoMs: seq * 500, timeMs, gpus: [gpuSample(gpu)] };
}
