import type { StreamView } from '../hooks/useTelemetry';

const LABEL: Record<StreamView['state'], string> = {
  up: 'live',
  connecting: 'connecting',
  down: 'disconnected',
  reconnecting: 'reconnecting',
};

/** A pod's exporter stream state in words, with why it is down and when the next try is. */
export function StreamBadge({ stream, pod }: { stream: StreamView; pod: string }) {
  const retry = stream.retryInMs != null ? `, reconnecting in ${Math.ceil(stream.retryInMs / 1000)} s` : '';
  return (
    <span
      className={`stream stream-${stream.state}`}
      role="status"
      data-testid="stream-status"
      data-pod={pod}
      data-state={stream.state}
    >
      <span className="dot" aria-hidden />
      {LABEL[stream.state]}
      {stream.state !== 'up' && stream.reason && <span className="stream-reason">: {stream.reason}</span>}
      {stream.state === 'down' && retry}
    </span>
  );
}
