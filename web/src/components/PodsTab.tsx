import type { Deployment } from '../api/types';

export function PodsTab({ deployment }: { deployment: Deployment }) {
  if (deployment.pods.length === 0) return <p className="muted">No pods yet.</p>;
  return (
    <table className="table" data-testid="pods-table">
      <thead>
        <tr>
          <th>Pod</th>
          <th>Node</th>
          <th>Phase</th>
          <th>Ready</th>
          <th>Restarts</th>
          <th>GPU UUIDs</th>
          <th>Conditions</th>
        </tr>
      </thead>
      <tbody>
        {deployment.pods.map((p) => (
          <tr key={p.name} data-testid="pod-row">
            <td className="mono">{p.name}</td>
            <td>{p.node ?? '—'}</td>
            <td>{p.phase}</td>
            <td>{p.ready ? 'yes' : 'no'}</td>
            <td>{p.restarts}</td>
            <td className="mono">{p.gpuUuids.length ? p.gpuUuids.join(', ') : 'none'}</td>
            <td className="conditions">
              {p.conditions.map((c) => (
                <div key={c.type} className={`cond cond-${c.status}`}>
                  {c.type}={c.status}
                  {c.reason && ` · ${c.reason}`}
                  {c.message && <div className="muted">{c.message}</div>}
                </div>
              ))}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
