// Wire types of the console gateway (docs: /work/briefs/console-api.md → operator console) and of the
// gpu-exporter frames it forwards (docs/telemetry-protocol.md). null always means "not known", never 0.

export type AccessMode = 'token' | 'kubernetes' | 'none';

export interface Session {
  mode: AccessMode;
  authenticated: boolean;
  user: string | null;
  static: boolean;
}

export interface Condition {
  type: string;
  status: string;
  reason: string | null;
  message: string | null;
  lastTransitionTime?: string | null;
}

export interface Pod {
  name: string;
  node: string | null;
  phase: string;
  ready: boolean;
  restarts: number;
  gpuUuids: string[];
  conditions: Condition[];
}

export interface Deployment {
  namespace: string;
  name: string;
  model: string;
  servedModelName: string;
  replicas: { desired: number; ready: number };
  gpusPerReplica: number;
  ready: string;
  endpoint: string | null;
  observedGeneration: number | null;
  generation: number | null;
  conditions: Condition[];
  pods: Pod[];
  exporter: boolean;
  /** What whoever runs it wants users to read first (local mode: the demo's weights are random). */
  notice?: string | null;
}

export interface Quantiles {
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

export interface Metrics {
  running: number | null;
  waiting: number | null;
  kvCacheUsagePercent: number | null;
  promptTokensPerSecond: number | null;
  generationTokensPerSecond: number | null;
  generationTokensTotal: number | null;
  promptTokensTotal: number | null;
  ttftSeconds: Quantiles | null;
  interTokenLatencySeconds: Quantiles | null;
  e2eLatencySeconds: Quantiles | null;
  prefixCacheHitRate: number | null;
  preemptionsTotal: number | null;
  preemptionsPerSecond: number | null;
  requestsSucceededTotal: number | null;
}

export interface PodMetrics {
  pod: string;
  up: boolean;
  error: string | null;
  metrics: Metrics | null;
}

export interface DeploymentMetrics {
  scrapedAtMs: number;
  intervalMs: number;
  windowSeconds: number;
  total: Metrics;
  pods: PodMetrics[];
}

// ---- exporter frames (protocol 1) ----

export type Capabilities = Partial<Record<string, boolean>>;

export interface HelloGpu {
  index: number;
  uuid: string;
  name: string;
  pciBusId: string;
  memoryTotalBytes: number | null;
  powerLimitWatts: number | null;
  capabilities: Capabilities;
}

export interface HelloFrame {
  type: 'hello';
  protocol: number;
  pod: string;
  namespace: string;
  node: string;
  intervalMs: number;
  historySeconds: number;
  nvml: { available: boolean; library: string | null; driverVersion: string | null; reason: string | null };
  gpus: HelloGpu[];
  reason: string | null;
}

export interface GpuSample {
  index: number;
  uuid: string;
  state: 'ok' | 'lost';
  error: string | null;
  memoryTotalBytes: number | null;
  memoryUsedBytes: number | null;
  memoryFreeBytes: number | null;
  memoryReservedBytes: number | null;
  gpuUtilPercent: number | null;
  memoryUtilPercent: number | null;
  powerWatts: number | null;
  powerSource: string | null;
  powerLimitWatts: number | null;
  energyJoules: number | null;
  temperatureCelsius: number | null;
  pcieTxBytesPerSecond: number | null;
  pcieRxBytesPerSecond: number | null;
  smClockMhz: number | null;
  memoryClockMhz: number | null;
  fanSpeedPercent: number | null;
  clockEventReasons: string[] | null;
  eccCorrectedVolatile: number | null;
  eccUncorrectedVolatile: number | null;
  xidCount: number | null;
  lastXid: number | null;
  processes: { pid: number; usedMemoryBytes: number | null }[] | null;
}

export interface SampleFrame {
  type: 'sample';
  seq: number;
  monoMs: number;
  timeMs: number;
  gpus: GpuSample[];
}

export interface HistoryFrame {
  type: 'history';
  samples: SampleFrame[];
}

export interface DroppedFrame {
  type: 'dropped';
  dropped: number;
  totalDropped: number;
}

export type ExporterFrame = HelloFrame | SampleFrame | HistoryFrame | DroppedFrame;

export type PodStreamState = 'connecting' | 'up' | 'down';

export interface StatusMessage {
  type: 'status';
  namespace: string;
  pod: string;
  state: PodStreamState;
  reason: string | null;
  retryInMs: number | null;
}

export interface FrameMessage {
  type: 'frame';
  namespace: string;
  pod: string;
  frame: ExporterFrame;
}

export type GatewayMessage = StatusMessage | FrameMessage;

export interface PodRef {
  namespace: string;
  pod: string;
}

export const podKey = (p: PodRef): string => `${p.namespace}/${p.pod}`;
