import { useEffect, useState } from 'react';
import { onTokenChange } from './api/token';
import { Header } from './components/Header';
import { StateMessage } from './components/StateMessage';
import { useDeployments } from './hooks/useDeployments';
import { useSession } from './hooks/useSession';
import { TelemetryContext } from './hooks/useTelemetry';
import { DeploymentPage } from './pages/DeploymentPage';
import { LoginPage } from './pages/LoginPage';
import { OverviewPage } from './pages/OverviewPage';
import { useRoute } from './router';
import { TelemetryClient } from './telemetry/TelemetryClient';

export function App() {
  const { session, error, needsLogin, login, logout } = useSession();
  if (error) return <StateMessage kind="error" testId="gateway-error">{error}</StateMessage>;
  if (!session) return <StateMessage kind="loading">Connecting to the console…</StateMessage>;
  if (needsLogin) return <LoginPage mode={session.mode} login={login} />;
  return <Console user={session.user} onLogout={session.mode === 'none' ? null : logout} />;
}

function Console({ user, onLogout }: { user: string | null; onLogout: (() => void) | null }) {
  const [client] = useState(() => new TelemetryClient());
  useEffect(() => onTokenChange(() => client.reconnectNow()), [client]);
  useEffect(() => {
    client.start();
    return () => client.close();
  }, [client]);
  const deployments = useDeployments();
  const route = useRoute();

  return (
    <TelemetryContext.Provider value={client}>
      <Header user={user} onLogout={onLogout} source={deployments.source} />
      <main className="content">
        {route.page === 'overview' ? (
          <OverviewPage state={deployments} />
        ) : (
          <DeploymentPage
            state={deployments}
            namespace={route.namespace}
            name={route.name}
            tab={route.tab}
          />
        )}
      </main>
    </TelemetryContext.Provider>
  );
}
