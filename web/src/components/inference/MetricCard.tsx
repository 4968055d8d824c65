import type { ReactNode } from 'react';
import type uPlot from 'uplot';
import { Chart, type ChartSeries } from '../../charts/Chart';
import { useStaticSource } from '../../charts/ChartSource';

interface Props {
  id: string;
  title: string;
  value: ReactNode;
  detail?: ReactNode;
  series: ChartSeries[];
  data: uPlot.AlignedData;
}

/** One inference metric: its current value and a sparkline of the last 15 minutes of scrapes. */
export function MetricCard({ id, title, value, detail, series, data }: Props) {
  const source = useStaticSource(data);
  return (
    <div className="card metric-card" data-testid={`metric-card-${id}`}>
      <div className="card-title">{title}</div>
      <div className="metric-value" data-testid={`metric-value-${id}`}>
        {value}
      </div>
      {detail && <div className="metric-detail">{detail}</div>}
      <Chart testId={`sparkline-${id}`} series={series} source={source} sparkline height={40} />
    </div>
  );
}
