import { fmt } from '../../domain/format';
import type { EnergyPerToken } from '../../domain/energy';

export function EnergyCard({ pod, energy }: { pod: string; energy: EnergyPerToken }) {
  return (
    <div className="card energy" data-testid="energy-per-token" data-pod={pod}>
      <div className="card-title">Energy per generated token</div>
      {energy.joulesPerToken == null ? (
        <div className="metric-value muted">{energy.reason}</div>
      ) : (
        <>
          <div className="metric-value">{fmt(energy.joulesPerToken, 3, 'J/token')}</div>
          <div className="metric-detail">
            {fmt(energy.joules, 0, 'J')} over {fmt(energy.tokens, 0)} tokens in {fmt(energy.seconds, 0)} s
          </div>
        </>
      )}
    </div>
  );
}
