import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { TelemetryContext } from '../hooks/useTelemetry';
import { TelemetryClient } from '../telemetry/TelemetryClient';
import { FakeWebSocket } from './FakeWebSocket';

/** Renders with a telemetry client on a FakeWebSocket; returns the socket to drive. */
export function renderWithTelemetry(ui: ReactElement) {
  FakeWebSocket.instances = [];
  const client = new TelemetryClient(() => 'ws://console/ws/telemetry', FakeWebSocket as unknown as typeof WebSocket);
  const view = render(<TelemetryContext.Provider value={client}>{ui}</TelemetryContext.Provider>);
  return { ...view, client, ws: () => FakeWebSocket.last() };
}
