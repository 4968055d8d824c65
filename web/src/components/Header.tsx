import { Link } from './Link';

interface Props {
  user: string | null;
  onLogout: (() => void) | null;
  source: 'connecting' | 'stream' | 'polling';
}

export function Header({ user, onLogout, source }: Props) {
  return (
    <header className="header">
      <Link href="/" className="brand">
        QwenOps
      </Link>
      <span className={`live-source live-${source}`} data-testid="deployments-source">
        {source === 'stream' ? 'live' : source === 'polling' ? 'updates stream down: polling every 5 s' : 'connecting…'}
      </span>
      <span className="spacer" />
      {user && <span className="user">{user}</span>}
      {onLogout && (
        <button type="button" className="ghost" onClick={onLogout}>
          Sign out
        </button>
      )}
    </header>
  );
}
