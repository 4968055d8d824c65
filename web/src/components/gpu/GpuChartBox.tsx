import { useMemo } from 'react';
import type { Capabilities, PodRef } from '../../api/types';
import { Chart } from '../../charts/Chart';
import { NOT_SUPPORTED } from '../../domain/format';
import { useTelemetryClient } from '../../hooks/useTelemetry';
import { gpuChartSource, latestValue, readout, type GpuChartSpec } from './gpuCharts';

interface Props {
  spec: GpuChartSpec;
  podRef: PodRef;
  uuid: string;
  caps: Capabilities;
  windowSeconds: number;
}

export function GpuChartBox({ spec, podRef, uuid, caps, windowSeconds }: Props) {
  const client = useTelemetryClient();
  const source = useMemo(
    () => gpuChartSource(client, podRef, uuid, spec.columns),
    [client, podRef, uuid, spec],
  );
  const format = useMemo(
    () => readout(spec, caps, latestValue(client, podRef, uuid, spec.columns[0])),
    [client, podRef, uuid, spec, caps],
  );
  const title = `${spec.title} (${spec.unit})`;
  if (spec.supported(caps) === false) {
    return (
      <div className="chart unsupported" data-testid={`gpu-chart-${spec.id}`} data-points="0" data-supported="false">
        <div className="chart-title">{title}</div>
        <div className="not-supported">{NOT_SUPPORTED} by this GPU</div>
      </div>
    );
  }
  return (
    <Chart
      testId={`gpu-chart-${spec.id}`}
      title={title}
      series={spec.series}
      source={source}
      windowSeconds={windowSeconds}
      yRange={spec.yRange}
      readout={format}
      height={150}
    />
  );
}
