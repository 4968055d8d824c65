/** A response body the test writes to chunk by chunk (SSE streams), and fake fetch helpers. */
export function controllableBody() {
  const encoder = new TextEncoder();
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const stream = new ReadableStream<Uint8Array>({
    start: (c) => {
      controller = c;
    },
  });
  return {
    stream,
    push: (text: string) => controller.enqueue(encoder.encode(text)),
    close: () => controller.close(),
    fail: (e: Error) => controller.error(e),
  };
}

export function jsonResponse(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

export function sseResponse(stream: ReadableStream<Uint8Array>): Response {
  return new Response(stream, { status: 200, headers: { 'Content-Type': 'text/event-stream' } });
}

export type Route = (url: string, init: RequestInit | undefined) => Response | Promise<Response>;

/** Stubs global fetch; each call goes to `route` and is recorded. */
export function stubFetch(route: Route) {
  const calls: { url: string; init: RequestInit | undefined }[] = [];
  const fn = async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    calls.push({ url, init });
    return route(url, init);
  };
  globalThis.fetch = fn as typeof fetch;
  return calls;
}
