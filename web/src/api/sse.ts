// Server-sent events parsed from a fetch body. EventSource cannot send an Authorization header, and chat
// completions are a POST, so both the deployments stream and the chat stream are read this way.

export interface SseEvent {
  event: string;
  data: string;
}

/** Accumulates the fields of one event, line by line (WHATWG rules: `data:` lines joined by \n, comments skipped). */
class EventBuilder {
  private event = '';
  private data: string[] = [];

  /** Takes one line; returns the finished event at a blank line. */
  line(line: string): SseEvent | null {
    if (line === '') return this.finish();
    if (line.startsWith(':')) return null;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.event = value;
    return null;
  }

  finish(): SseEvent | null {
    const ev = this.data.length > 0 ? { event: this.event || 'message', data: this.data.join('\n') } : null;
    this.event = '';
    this.data = [];
    return ev;
  }
}

/** Yields each event of a text/event-stream body; a last event without its blank line is delivered too. */
export async function* readSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const builder = new EventBuilder();
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let newline: number;
      while ((newline = buffer.search(/\r\n|\r|\n/)) >= 0) {
        if (newline === buffer.length - 1 && buffer[newline] === '\r') break; // may be the first half of \r\n
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + (buffer.startsWith('\r\n', newline) ? 2 : 1));
        const ev = builder.line(line);
        if (ev) yield ev;
      }
    }
    if (buffer) builder.line(buffer.replace(/\r$/, ''));
    const last = builder.finish();
    if (last) yield last;
  } finally {
    reader.releaseLock();
  }
}
