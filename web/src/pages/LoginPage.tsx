import { useState, type FormEvent } from 'react';
import type { AccessMode } from '../api/types';

interface Props {
  mode: AccessMode;
  login(token: string): Promise<string | null>;
}

/** Token access: the gateway's token, or (kubernetes mode) the user's own Kubernetes bearer token. */
export function LoginPage({ mode, login }: Props) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(await login(token));
    setBusy(false);
  };

  const what = mode === 'kubernetes' ? 'your Kubernetes bearer token' : 'the console access token';
  return (
    <main className="login">
      <form onSubmit={submit} aria-label="Sign in" data-testid="login-form">
        <h1>QwenOps console</h1>
        <p>
          Paste {what}. It stays in this tab's session storage and is sent only to this console.
          {mode === 'kubernetes' && ' You see the deployments your Kubernetes RBAC lets you get.'}
        </p>
        <label htmlFor="token">Token</label>
        <input
          id="token"
          type="password"
          autoComplete="off"
          value={token}
          onChange={(e) => setToken(e.target.value)}
          data-testid="login-token"
        />
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy} data-testid="login-submit">
          {busy ? 'Checking…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
