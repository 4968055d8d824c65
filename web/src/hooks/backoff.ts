/** Reconnect delays: 1 s doubling to 30 s, as the gateway does upstream. */
export function backoffMs(attempt: number, firstMs = 1000, maxMs = 30_000): number {
  return Math.min(maxMs, firstMs * 2 ** Math.max(0, attempt));
}
