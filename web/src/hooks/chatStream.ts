import { errorFrom } from '../api/client';
import { readSse } from '../api/sse';

export interface StreamCallbacks {
  onDelta(text: string): void;
  onUsage(usage: { prompt_tokens?: number; completion_tokens?: number }): void;
}

/** A message for a failed chat request that tells the user what state the model is in. */
export async function chatErrorMessage(res: Response): Promise<string> {
  const e = await errorFrom(res);
  if (e.type === 'upstream_unavailable') return `The model server is unreachable: ${e.message}`;
  if (res.status === 503) return `The model is not ready yet (still loading): ${e.message}`;
  if (res.status === 404) return `This deployment is not available to you: ${e.message}`;
  return `${res.status}: ${e.message}`;
}

/** Reads an OpenAI chat.completion.chunk stream; throws on an in-stream error object. */
export async function readChatStream(body: ReadableStream<Uint8Array>, cb: StreamCallbacks): Promise<void> {
  for await (const ev of readSse(body)) {
    if (ev.data === '[DONE]') return;
    const chunk = JSON.parse(ev.data);
    if (chunk.error) throw new Error(chunk.error.message ?? 'the model server reported an error');
    const text = chunk.choices?.[0]?.delta?.content;
    if (text) cb.onDelta(text);
    if (chunk.usage) cb.onUsage(chunk.usage);
  }
}
