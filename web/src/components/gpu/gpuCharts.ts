import type uPlot from 'uplot';
import type { Capabilities, PodRef } from '../../api/types';
import type { ChartSeries } from '../../charts/Chart';
import type { ChartSource } from '../../charts/ChartSource';
import { fmt, NOT_SUPPORTED, UNKNOWN } from '../../domain/format';
import type { Column } from '../../telemetry/GpuSeries';
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

/** A chart source reading one GPU's columns in place from the telemetry client. */
export function gpuChartSource(client: TelemetryClient, ref: PodRef, uuid: string, cols: Column[]): ChartSource {
  const empty: uPlot.AlignedData = [[], ...cols.map(() => [])] as unknown as uPlot.AlignedData;
  return {
    data: () => {
      const s = client.pod(ref)?.gpus.get(uuid);
      return s ? ([s.t, ...cols.map((c) => s.columns[c])] as unknown as uPlot.AlignedData) : empty;
    },
    subscribe: (l) => client.onSamples(l),
  };
}

/** "512 W", "—" when the last tick had no reading, or "not supported". */
export function readout(spec: GpuChartSpec, caps: Capabilities) {
  return (data: uPlot.AlignedData): string => {
    const col = data[1] as (number | null)[];
    const v = col.length ? col[col.length - 1] : null;
    const main = v == null ? (spec.supported(caps) === false ? NOT_SUPPORTED : UNKNOWN) : fmt(v, spec.digits, spec.unit);
    if (spec.secondary && spec.secondary.supported(caps) === false) return `${main} · ${spec.secondary.label} ${NOT_SUPPORTED}`;
    return main;
  };
}
