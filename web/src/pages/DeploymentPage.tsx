import { DeploymentNotice } from '../components/DeploymentNotice';
import { ChatTab } from '../components/chat/ChatTab';
import { GpuTab } from '../components/gpu/GpuTab';
import { InferenceTab } from '../components/inference/InferenceTab';
import { HealthBadge } from '../components/HealthBadge';
import { PodsTab } from '../components/PodsTab';
import { StateMessage } from '../components/StateMessage';
import { Tabs } from '../components/Tabs';
import type { DeploymentsState } from '../hooks/useDeployments';
import { usePodMetrics } from '../hooks/usePodMetrics';
import type { Tab } from '../router';

interface Props {
  state: DeploymentsState;
  namespace: string;
  name: string;
  tab: Tab;
}

export function DeploymentPage({ state, namespace, name, tab }: Props) {
  const deployment = state.deployments?.find((d) => d.namespace === namespace && d.name === name);
  // One poll feeds the Inference tab and the GPU tab's energy per token.
  const metrics = usePodMetrics(deployment ? namespace : null, deployment ? name : null);

  if (!state.deployments) return <StateMessage kind="loading">Loading deployment…</StateMessage>;
  if (!deployment)
    return (
      <StateMessage kind="error">
        No deployment {namespace}/{name} that you may see.
      </StateMessage>
    );

  return (
    <>
      <div className="page-head">
        <h1>
          {deployment.name} <span className="muted">{deployment.namespace}</span>
        </h1>
        <HealthBadge deployment={deployment} />
        <span className="mono muted">{deployment.model}</span>
      </div>
      <DeploymentNotice deployment={deployment} />
      <Tabs namespace={namespace} name={name} active={tab} />
      <section role="tabpanel" aria-label={tab} data-testid={`tab-${tab}`} className="tabpanel">
        {tab === 'chat' && <ChatTab deployment={deployment} />}
        {tab === 'inference' && <InferenceTab deployment={deployment} metrics={metrics} />}
        {tab === 'gpu' && <GpuTab deployment={deployment} metrics={metrics} />}
        {tab === 'pods' && <PodsTab deployment={deployment} />}
      </section>
    </>
  );
}
