import { createContext, useContext, useEffect, useMemo, useSyncExternalStore } from 'react';
import { podKey, type HelloFrame, type PodRef } from '../api/types';
import type { Connection, TelemetryClient } from '../telemetry/TelemetryClient';
import type { PodTelemetry } from '../telemetry/PodTelemetry';

export const TelemetryContext = createContext<TelemetryClient | null>(null);

export function useTelemetryClient(): TelemetryClient {
  const client = useContext(TelemetryContext);
  if (!client) throw new Error('useTelemetry needs a <TelemetryContext.Provider>');
  return client;
}

/** What a user sees of a pod's stream: live, connecting, or disconnected (with why and when the next try is). */
export interface StreamView {
  state: 'connecting' | 'up' | 'down' | 'reconnecting';
  reason: string | null;
  retryInMs: number | null;
}

export interface PodView {
  ref: PodRef;
  stream: StreamView;
  hello: HelloFrame | null;
  data: PodTelemetry | undefined;
}

export interface TelemetryState {
  connection: Connection;
  pods: PodView[];
  client: TelemetryClient;
}

/** The console's own stream down outweighs what the gateway last said about each pod. */
export function streamView(connection: Connection, pod: PodTelemetry | undefined): StreamView {
  if (connection.state === 'reconnecting' || connection.state === 'unauthorized')
    return { state: 'reconnecting', reason: `console stream: ${connection.reason ?? connection.state}`, retryInMs: connection.retryInMs };
  const status = pod?.status;
  if (connection.state !== 'open' || !status) return { state: 'connecting', reason: null, retryInMs: null };
  if (pod.reconnecting) return { state: 'reconnecting', reason: pod.lastDownReason, retryInMs: null };
  return { state: status.state, reason: status.reason, retryInMs: status.retryInMs };
}

/**
 * Subscribes the given pods on the shared telemetry WebSocket while mounted. Re-renders only when a pod's status
 * or hello changes, never per sample: charts read samples from `data` themselves.
 */
export function useTelemetry(pods: PodRef[], historySeconds = 300): TelemetryState {
  const client = useTelemetryClient();
  const keys = pods.map(podKey).sort().join(',');
  const stablePods = useMemo(() => pods, [keys]);

  useEffect(() => {
    if (stablePods.length === 0) return;
    return client.subscribe(stablePods, historySeconds);
  }, [client, stablePods, historySeconds]);

  const version = useSyncExternalStore(
    (l) => client.onStructure(l),
    () => client.structureVersion,
  );

  return useMemo(
    () => ({
      client,
      connection: client.connection,
      pods: stablePods.map((ref) => {
        const data = client.pod(ref);
        return { ref, data, hello: data?.hello ?? null, stream: streamView(client.connection, data) };
      }),
    }),
    [client, stablePods, version],
  );
}

/** Re-renders at most once per animation frame when samples arrive: for small live readouts (tiles), not charts. */
export function useSampleVersion(): number {
  const client = useTelemetryClient();
  return useSyncExternalStore(
    (l) => client.onSamples(l),
    () => client.sampleVersion,
  );
}
