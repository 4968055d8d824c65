import type { Deployment } from '../api/types';

export type HealthLevel = 'healthy' | 'degraded' | 'down' | 'stopped' | 'progressing';

export interface Health {
  level: HealthLevel;
  label: string;
  /** The Ready condition's words, when it says something. */
  detail: string | null;
}

export function health(d: Deployment): Health {
  const ready = d.conditions.find((c) => c.type === 'Ready');
  const detail = ready && ready.status !== 'True' ? [ready.reason, ready.message].filter(Boolean).join(': ') || null : null;
  const { desired, ready: up } = d.replicas;
  if (desired === 0) return { level: 'stopped', label: 'scaled to zero', detail };
  if (up === 0) return { level: 'down', label: 'not ready', detail };
  if (up < desired) return { level: 'degraded', label: `${up}/${desired} ready`, detail };
  if (d.generation != null && d.observedGeneration != null && d.observedGeneration < d.generation)
    return { level: 'progressing', label: 'updating', detail };
  if (ready && ready.status !== 'True') return { level: 'degraded', label: 'not ready', detail };
  return { level: 'healthy', label: 'healthy', detail: null };
}
