import type { Deployment } from '../api/types';

/** The deployment's notice (e.g. "the demo model speaks noise"), above everything else on its page. */
export function DeploymentNotice({ deployment }: { deployment: Deployment }) {
  if (!deployment.notice) return null;
  return (
    <p role="note" className="notice" data-testid="deployment-notice">
      {deployment.notice}
    </p>
  );
}
