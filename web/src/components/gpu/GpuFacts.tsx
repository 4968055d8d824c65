import type { Capabilities } from '../../api/types';
import { fmt, fmtBytes, NOT_SUPPORTED, UNKNOWN } from '../../domain/format';
import { useTick } from '../../hooks/useTick';
import type { GpuSeries } from '../../telemetry/GpuSeries';

function Fact({ label, supported, text }: { label: string; supported: boolean | undefined; text: string }) {
  return (
    <>
      <dt>{label}</dt>
      <dd data-testid={`fact-${label.replace(/\W+/g, '-').toLowerCase()}`}>{supported === false ? NOT_SUPPORTED : text}</dd>
    </>
  );
}

/** The GPU's other fields, refreshed once a second; a field the GPU does not report reads "not supported". */
export function GpuFacts({ series, caps }: { series: GpuSeries | undefined; caps: Capabilities }) {
  useTick(1000);
  const s = series?.latest ?? null;
  const reasons = s?.clockEventReasons;
  return (
    <dl className="gpu-facts">
      <Fact label="Fan" supported={caps.fan} text={fmt(s?.fanSpeedPercent, 0, '%')} />
      <Fact label="Memory clock" supported={caps.memoryClock} text={fmt(s?.memoryClockMhz, 0, 'MHz')} />
      <Fact label="Reserved memory" supported={caps.memoryReserved} text={fmtBytes(s?.memoryReservedBytes)} />
      <Fact
        label="ECC corrected / uncorrected"
        supported={caps.ecc}
        text={s?.eccCorrectedVolatile == null ? UNKNOWN : `${s.eccCorrectedVolatile} / ${s.eccUncorrectedVolatile ?? UNKNOWN}`}
      />
      <Fact label="Clock events" supported={caps.clockEventReasons} text={reasons == null ? UNKNOWN : reasons.length ? reasons.join(', ') : 'none (full clock)'} />
      <Fact label="XID errors" supported={caps.xid} text={s?.xidCount == null ? UNKNOWN : `${s.xidCount}${s.lastXid != null ? ` (last ${s.lastXid})` : ''}`} />
      <Fact label="Processes" supported={caps.processes} text={s?.processes == null ? UNKNOWN : String(s.processes.length)} />
      {s?.error && (
        <>
          <dt>Last error</dt>
          <dd className="error">{s.error}</dd>
        </>
      )}
    </dl>
  );
}
