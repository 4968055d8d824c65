import { getToken, setToken } from '../api/token';
import { podKey, type GatewayMessage, type PodRef } from '../api/types';
import { backoffMs } from '../hooks/backoff';
import { scheduleOnFrame } from './frameScheduler';
import { PodTelemetry } from './PodTelemetry';

export type ConnectionState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'unauthorized';

export interface Connection {
  state: ConnectionState;
  retryInMs: number | null;
  reason: string | null;
}

type Listener = () => void;

interface Subscription {
  pods: PodRef[];
  historySeconds: number;
}

export function telemetryUrl(): string {
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const token = getToken();
  const query = token ? `?access_token=${encodeURIComponent(token)}` : '';
  return `${proto}//${location.host}/ws/telemetry${query}`;
}

/**
 * The browser's one WebSocket to `/ws/telemetry`. Components subscribe pods; the client sends the union as one
 * `subscribe` message, reconnects with backoff (1 s doubling to 30 s) and re-subscribes. Samples go into per-GPU
 * columns in place; listeners hear about them at most once per animation frame.
 */
export class TelemetryClient {
  connection: Connection = { state: 'idle', retryInMs: null, reason: null };
  /** Bumped on every change of connection, pod status or hello: what React re-renders on. */
  structureVersion = 0;
  /** Bumped on every batch of samples: what charts and tiles redraw on. */
  sampleVersion = 0;

  private readonly pods = new Map<string, PodTelemetry>();
  private readonly subscriptions = new Set<Subscription>();
  private readonly structureListeners = new Set<Listener>();
  private readonly sampleListeners = new Set<Listener>();
  private ws: WebSocket | null = null;
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private sentSubscription = '';
  private closed = false;

  constructor(
    private readonly url: () => string = telemetryUrl,
    private readonly WebSocketImpl: typeof WebSocket = WebSocket,
  ) {}

  pod(ref: PodRef): PodTelemetry | undefined {
    return this.pods.get(podKey(ref));
  }

  /** Adds pods to the subscribed set until the returned function is called. */
  subscribe(pods: PodRef[], historySeconds = 300): () => void {
    const sub: Subscription = { pods, historySeconds };
    this.subscriptions.add(sub);
    pods.forEach((p) => this.podState(p));
    this.ensureConnected();
    queueMicrotask(() => this.sendSubscription());
    return () => {
      this.subscriptions.delete(sub);
      queueMicrotask(() => this.sendSubscription());
    };
  }

  onStructure(listener: Listener): () => void {
    this.structureListeners.add(listener);
    return () => this.structureListeners.delete(listener);
  }

  onSamples(listener: Listener): () => void {
    this.sampleListeners.add(listener);
    return () => this.sampleListeners.delete(listener);
  }

  /** A new token (login): reconnect with it. */
  reconnectNow(): void {
    this.attempt = 0;
    this.ws?.close();
    this.ws = null;
    clearTimeout(this.retryTimer);
    this.connect();
  }

  /** Undoes close() (React StrictMode unmounts and remounts the provider once in development). */
  start(): void {
    if (!this.closed) return;
    this.closed = false;
    if (this.subscriptions.size > 0) this.reconnectNow();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.ws?.close();
    this.ws = null;
  }

  private podState(ref: PodRef): PodTelemetry {
    const key = podKey(ref);
    let p = this.pods.get(key);
    if (!p) {
      p = new PodTelemetry();
      this.pods.set(key, p);
    }
    return p;
  }

  private ensureConnected(): void {
    const waiting = this.connection.state === 'reconnecting' || this.connection.state === 'unauthorized';
    if (this.ws || this.closed || waiting) return;
    this.connect();
  }

  private connect(): void {
    this.setConnection({ state: this.attempt === 0 ? 'connecting' : 'reconnecting', retryInMs: null, reason: null });
    const ws = new this.WebSocketImpl(this.url());
    this.ws = ws;
    this.sentSubscription = '';
    ws.onopen = () => {
      this.attempt = 0;
      this.setConnection({ state: 'open', retryInMs: null, reason: null });
      this.sendSubscription();
    };
    ws.onmessage = (ev: MessageEvent) => this.handle(ev.data);
    ws.onclose = (ev: CloseEvent) => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (this.closed) return;
      if (ev.code === 4401) {
        this.setConnection({ state: 'unauthorized', retryInMs: null, reason: 'the gateway refused the token' });
        if (getToken()) setToken(null); // back to the login page
        return;
      }
      const delay = backoffMs(this.attempt++);
      const reason = ev.reason || `connection closed (code ${ev.code})`;
      this.setConnection({ state: 'reconnecting', retryInMs: delay, reason });
      this.retryTimer = setTimeout(() => this.connect(), delay);
    };
  }

  private sendSubscription(): void {
    const byKey = new Map<string, PodRef>();
    let historySeconds = 0;
    for (const s of this.subscriptions) {
      s.pods.forEach((p) => byKey.set(podKey(p), { namespace: p.namespace, pod: p.pod }));
      historySeconds = Math.max(historySeconds, s.historySeconds);
    }
    const message = JSON.stringify({ type: 'subscribe', pods: [...byKey.values()], historySeconds });
    if (!this.ws || this.ws.readyState !== 1 || message === this.sentSubscription) return;
    this.sentSubscription = message;
    this.ws.send(message);
  }

  private handle(raw: unknown): void {
    let msg: GatewayMessage;
    try {
      msg = JSON.parse(String(raw)) as GatewayMessage;
    } catch {
      return; // not JSON: nothing a user could act on
    }
    if (msg.type === 'status') {
      this.podState(msg).setStatus(msg);
      this.structureChanged();
    } else if (msg.type === 'frame') {
      const change = this.podState(msg).apply(msg.frame);
      if (change === 'structure') this.structureChanged();
      else if (change === 'samples') scheduleOnFrame(this.notifySamples);
    }
  }

  private readonly notifySamples = () => {
    this.sampleVersion++;
    this.sampleListeners.forEach((l) => l());
  };

  private setConnection(c: Connection): void {
    this.connection = c;
    this.structureChanged();
  }

  private structureChanged(): void {
    this.structureVersion++;
    this.structureListeners.forEach((l) => l());
  }
}
