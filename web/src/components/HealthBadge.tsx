import type { Deployment } from '../api/types';
import { health } from '../domain/health';

export function HealthBadge({ deployment }: { deployment: Deployment }) {
  const h = health(deployment);
  return (
    <span className={`badge badge-${h.level}`} title={h.detail ?? undefined} data-testid="health-badge" data-level={h.level}>
      {h.label}
    </span>
  );
}
