import type { Capabilities, PodRef } from '../../api/types';
import type { ChartSeries } from '../../charts/Chart';
import type { ChartSource } from '../../charts/ChartSource';
import { fmt, NOT_SUPPORTED, UNKNOWN } from '../../domain/format';
import { MinMaxView } from '../../charts/decimate';
import { MAX_WINDOW_SECONDS, type Column } from '../../telemetry/GpuSeries';
import type { TelemetryClient } from '../../telemetry/TelemetryClient';

export interface GpuChartSpec {
  id: string;
  title: string;
  unit: string;
  columns: Column[];
  series: ChartSeries[];
  /** Whether this GPU reports the chart's main metric (false → "not supported"); undefined = not known yet. */
  supported(c: Capabilities): boolean | undefined;
  /** Secondary series that may be unsupported while the main one is (e.g. the power limit). */
  secondary?: { label: string; supported(c: Capabilities): boolean | undefined };
  yRange?: [number, number];
  digits: number;
}

const either = (a: boolean | undefined, b: boolean | undefined) => (a || b ? true : a === false && b === false ? false : undefined);

/** The six live charts per GPU (issue 13): VRAM, utilisation, power, PCIe, temperature, SM clock. */
export const GPU_CHARTS: GpuChartSpec[] = [
  {
    id: 'vram', title: 'VRAM used / total', unit: 'MiB', columns: ['memUsedMiB', 'memTotalMiB'], digits: 0,
    series: [{ label: 'used', color: '#10a37f' }, { label: 'total', color: '#9aa0a6', dash: [4, 4] }],
    supported: (c) => c.memory,
  },
  {
    id: 'util', title: 'SM / memory-controller utilisation', unit: '%', columns: ['gpuUtilPercent', 'memUtilPercent'], digits: 0,
    series: [{ label: 'SM', color: '#10a37f' }, { label: 'memory', color: '#8ab4f8' }],
    supported: (c) => c.utilization, yRange: [0, 100],
  },
  {
    id: 'power', title: 'Power / limit', unit: 'W', columns: ['powerWatts', 'powerLimitWatts'], digits: 0,
    series: [{ label: 'power', color: '#f5a524' }, { label: 'limit', color: '#ef4444', dash: [4, 4] }],
    supported: (c) => either(c.power, c.energy),
    secondary: { label: 'limit', supported: (c) => c.powerLimit },
  },
  {
    id: 'pcie', title: 'PCIe TX / RX', unit: 'KB/s', columns: ['pcieTxKBps', 'pcieRxKBps'], digits: 0,
    series: [{ label: 'TX', color: '#c084fc' }, { label: 'RX', color: '#8ab4f8' }],
    supported: (c) => c.pcie,
  },
  {
    id: 'temperature', title: 'Temperature', unit: '°C', columns: ['temperatureCelsius'], digits: 0,
    series: [{ label: '°C', color: '#ef4444' }],
    supported: (c) => c.temperature,
  },
  {
    id: 'sm-clock', title: 'SM clock', unit: 'MHz', columns: ['smClockMhz'], digits: 0,
    series: [{ label: 'MHz', color: '#10a37f' }],
    supported: (c) => c.smClock,
  },
];

/**
 * A chart source reading one GPU's rings in place from the telemetry client, min/max-decimated to the plot's pixel
 * columns (1,800 samples at 15 minutes become at most two points per pixel).
 */
export function gpuChartSource(client: TelemetryClient, ref: PodRef, uuid: string, cols: Column[]): ChartSource {
  const view = new MinMaxView(cols.length);
  const series = () => client.pod(ref)?.gpus.get(uuid);
  return {
    data: (windowSeconds = MAX_WINDOW_SECONDS, widthPx = 0) => {
      const s = series();
      const ring = { t: s?.t ?? EMPTY, ys: cols.map((c) => s?.columns[c] ?? EMPTY), head: s?.head ?? 0, length: s?.length ?? 0 };
      const newest = s?.length ? s.time(s.length - 1) : 0;
      view.fill(ring, newest - windowSeconds, widthPx > 0 ? windowSeconds / widthPx : 0);
      return view.data;
    },
    points: (windowSeconds = MAX_WINDOW_SECONDS) => {
      const s = series();
      if (!s?.length) return 0;
      return s.length - s.indexAtOrAfter(s.time(s.length - 1) - windowSeconds);
    },
    subscribe: (l) => client.onSamples(l),
  };
}

const EMPTY = new Float64Array(0);

/** The newest value of a chart's main column, for its readout. */
export function latestValue(client: TelemetryClient, ref: PodRef, uuid: string, col: Column): () => number | null {
  return () => {
    const s = client.pod(ref)?.gpus.get(uuid);
    return s?.length ? s.value(col, s.length - 1) : null;
  };
}

/** "512 W", "—" when the last tick had no reading, or "not supported". */
export function readout(spec: GpuChartSpec, caps: Capabilities, latest: () => number | null) {
  return (): string => {
    const v = latest();
    const main = v == null ? (spec.supported(caps) === false ? NOT_SUPPORTED : UNKNOWN) : fmt(v, spec.digits, spec.unit);
    if (spec.secondary && spec.secondary.supported(caps) === false) return `${main} · ${spec.secondary.label} ${NOT_SUPPORTED}`;
    return main;
  };
}
