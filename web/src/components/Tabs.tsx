import { deploymentUrl, TABS, type Tab } from '../router';
import { Link } from './Link';

const LABELS: Record<Tab, string> = { chat: 'Chat', inference: 'Inference', gpu: 'GPU', pods: 'Pods' };

export function Tabs({ namespace, name, active }: { namespace: string; name: string; active: Tab }) {
  return (
    <nav role="tablist" className="tabs" aria-label="Deployment views">
      {TABS.map((t) => (
        <Link
          key={t}
          role="tab"
          aria-selected={t === active}
          href={deploymentUrl(namespace, name, t)}
          className={t === active ? 'tab active' : 'tab'}
          data-testid={`tab-link-${t}`}
        >
          {LABELS[t]}
        </Link>
      ))}
    </nav>
  );
}
